/**
 * Generated Maven projects: one module per service, each writing its runtime classpath to
 * `classpath.txt`, under an aggregator so that one `mvn` run resolves everything.
 */
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

function dependencyXml(coordinates: Coordinates, transitive: boolean): string {
  const classifier = coordinates.classifier
    ? `<classifier>${coordinates.classifier}</classifier>`
    : '';
  const exclusions = transitive
    ? ''
    : '<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>';
  return (
    `    <dependency><groupId>${coordinates.groupId}</groupId>` +
    `<artifactId>${coordinates.artifactId}</artifactId><version>${coordinates.version}</version>` +
    `${classifier}${exclusions}</dependency>`
  );
}

export function modulePom(service: ServiceName, artifacts: ArtifactSet): string {
  const dependencies = artifacts.dependencies
    .map((text) => dependencyXml(parseCoordinates(text), artifacts.transitive))
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.services</groupId>
  <artifactId>${service}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies}
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>${DEPENDENCY_PLUGIN_VERSION}</version>
        <executions>
          <execution>
            <id>classpath</id>
            <phase>validate</phase>
            <goals><goal>build-classpath</goal></goals>
            <configuration>
              <includeScope>runtime</includeScope>
              <outputFile>\${project.basedir}/classpath.txt</outputFile>
            </configuration>
          </execution>
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
