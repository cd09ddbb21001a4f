/**
 * Generated Maven projects, one module per service under an aggregator so that one `mvn` run
 * resolves everything. A module with transitive dependencies writes its runtime classpath to
 * `classpath.txt`; a self-contained jar is fetched alone with `dependency:copy`, which needs
 * neither its dependencies nor its parent POMs, and is then used from the local repository.
 */
import { join } from 'node:path';
import { type ArtifactSet, SERVICE_NAMES, type ServiceName } from './versions';

const DEPENDENCY_PLUGIN_VERSION = '3.8.1';

export interface Coordinates {
  groupId: string;
  artifactId: string;
  version: string;
  classifier?: string;
}

export function parseCoordinates(text: string): Coordinates {
  const parts = text.split(':');
  const [groupId, artifactId, version, classifier] = parts;
  if (parts.length < 3 || parts.length > 4 || !groupId || !artifactId || !version) {
    throw new Error(`Maven coordinates must be group:artifact:version[:classifier], got ${text}`);
  }
  return classifier
    ? { groupId, artifactId, version, classifier }
    : { groupId, artifactId, version };
}

/** Where `mvn` puts a jar in the local repository (the standard Maven 2 layout). */
export function repositoryPath(repoDir: string, coordinates: Coordinates): string {
  const { groupId, artifactId, version, classifier } = coordinates;
  const file = `${artifactId}-${version}${classifier ? `-${classifier}` : ''}.jar`;
  return join(repoDir, ...groupId.split('.'), artifactId, version, file);
}

function coordinatesXml(coordinates: Coordinates): string {
  const classifier = coordinates.classifier
    ? `<classifier>${coordinates.classifier}</classifier>`
    : '';
  return (
    `<groupId>${coordinates.groupId}</groupId><artifactId>${coordinates.artifactId}</artifactId>` +
    `<version>${coordinates.version}</version>${classifier}`
  );
}

function classpathPom(artifacts: ArtifactSet): { dependencies: string; execution: string } {
  const dependencies = artifacts.dependencies
    .map((text) => `    <dependency>${coordinatesXml(parseCoordinates(text))}</dependency>`)
    .join('\n');
  const execution = `          <execution>
            <id>classpath</id>
            <phase>validate</phase>
            <goals><goal>build-classpath</goal></goals>
            <configuration>
              <includeScope>runtime</includeScope>
              <outputFile>\${project.basedir}/classpath.txt</outputFile>
            </configuration>
          </execution>`;
  return { dependencies: `  <dependencies>\n${dependencies}\n  </dependencies>\n`, execution };
}

function copyPom(artifacts: ArtifactSet): { dependencies: string; execution: string } {
  const items = artifacts.dependencies
    .map(
      (text) =>
        `                <artifactItem>${coordinatesXml(parseCoordinates(text))}<type>jar</type></artifactItem>`,
    )
    .join('\n');
  // The copy itself is thrown away: the jar is used where mvn resolved it.
  const execution = `          <execution>
            <id>copy</id>
            <phase>validate</phase>
            <goals><goal>copy</goal></goals>
            <configuration>
              <artifactItems>
${items}
              </artifactItems>
              <outputDirectory>\${project.basedir}/copied</outputDirectory>
            </configuration>
          </execution>`;
  return { dependencies: '', execution };
}

export function modulePom(service: ServiceName, artifacts: ArtifactSet): string {
  const { dependencies, execution } = artifacts.transitive
    ? classpathPom(artifacts)
    : copyPom(artifacts);
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.services</groupId>
  <artifactId>${service}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
${dependencies}  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${DEPENDENCY_PLUGIN_VERSION}</version>
        <executions>
${execution}
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
`;
}

export function aggregatorPom(services: readonly ServiceName[] = SERVICE_NAMES): string {
  const modules = services.map((service) => `    <module>${service}</module>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.services</groupId>
  <artifactId>all</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <modules>
${modules}
  </modules>
</project>
`;
}
