import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Serves Apache Iceberg's REST catalog servlet on one host and under a base path (default
 * /iceberg, like Nessie), so the same catalog URI works for the local services and for Nessie.
 * The stock server binds every interface and serves at the root, hence this launcher.
 *
 * Usage: java -cp iceberg-open-api.jar IcebergRestLauncher.java catalog.properties
 * Properties starting with "rest." configure the server; the rest configure the catalog.
 */
public class IcebergRestLauncher {

  /** The servlet routes on the full request URI, so the base path is cut off before it. */
  static final class BasePathServlet extends RESTCatalogServlet {
    private final String basePath;

    BasePathServlet(RESTCatalogAdapter adapter, String basePath) {
      super(adapter);
      this.basePath = basePath;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      String uri = request.getRequestURI();
      if (!uri.startsWith(basePath + "/")) {
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
        return;
      }
      String routed = uri.substring(basePath.length());
      super.service(
          new HttpServletRequestWrapper(request) {
            @Override
            public String getRequestURI() {
              return routed;
            }
          },
          response);
    }
  }

  public static void main(String[] args) throws Exception {
    Properties file = new Properties();
    try (FileInputStream in = new FileInputStream(args[0])) {
      file.load(in);
    }
    String host = file.getProperty("rest.host", "127.0.0.1");
    int port = Integer.parseInt(file.getProperty("rest.port", "19120"));
    String basePath = file.getProperty("rest.base-path", "/iceberg");

    Map<String, String> catalogProperties = new HashMap<>();
    for (String name : file.stringPropertyNames()) {
      if (!name.startsWith("rest.")) {
        catalogProperties.put(name, file.getProperty(name));
      }
    }
    Catalog catalog = CatalogUtil.buildIcebergCatalog("local", catalogProperties, new Configuration());

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(
        new ServletHolder(new BasePathServlet(new RESTCatalogAdapter(catalog), basePath)),
        basePath + "/*");
    server.setHandler(context);
    server.setStopAtShutdown(true);
    server.start();
    System.out.println("Iceberg REST catalog ready at http://" + host + ":" + port + basePath);
    server.join();
  }
}
