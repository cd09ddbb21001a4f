import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * Writes merge-on-read deletes into a table with the Iceberg Java API, and reads a table back
 * with Iceberg Java's generic reader, so that tests compare lib/iceberg with the reference
 * implementation. Input: one JSON object on stdin; output: one JSON object on stdout.
 *
 * <p>{"op": "delete", ..., "positionOffsets": [..], "equalityOffsets": [[partition, offset], ..]}
 * deletes the rows with those source_offset values by position, and the rows with those
 * (source_partition, source_offset) pairs by equality, in one row-delta commit.
 *
 * <p>{"op": "scan", ...} prints {"offsets": [...]} of every live row, deletes applied.
 */
public class IcebergJavaTool {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    JsonNode in = JSON.readTree(System.in);
    RESTCatalog catalog = new RESTCatalog();
    Map<String, String> props = new HashMap<>();
    props.put("uri", in.get("uri").asText());
    props.put("warehouse", in.get("warehouse").asText());
    props.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    props.put("s3.endpoint", in.get("s3_endpoint").asText());
    props.put("s3.path-style-access", "true");
    props.put("s3.access-key-id", in.get("s3_access_key_id").asText());
    props.put("s3.secret-access-key", in.get("s3_secret_access_key").asText());
    props.put("client.region", in.get("s3_region").asText());
    catalog.initialize("java-tool", props);
    Table table =
        catalog.loadTable(TableIdentifier.of(in.get("namespace").asText(), in.get("table").asText()));
    ObjectNode out = JSON.createObjectNode();
    switch (in.get("op").asText()) {
      case "delete" -> delete(table, in, out);
      case "scan" -> scan(table, out);
      default -> throw new IllegalArgumentException("unknown op " + in.get("op"));
    }
    System.out.println(JSON.writeValueAsString(out));
    catalog.close();
  }

  private static void scan(Table table, ObjectNode out) throws Exception {
    ArrayNode offsets = out.putArray("offsets");
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      for (Record row : rows) offsets.add((Long) row.getField("source_offset"));
    }
  }

  private static void delete(Table table, JsonNode in, ObjectNode out) throws Exception {
    Set<Long> byPosition = new HashSet<>();
    in.get("positionOffsets").forEach(n -> byPosition.add(n.asLong()));
    Set<String> byEquality = new HashSet<>();
    in.get("equalityOffsets").forEach(n -> byEquality.add(n.get(0).asInt() + ":" + n.get(1).asLong()));
    Schema schema = table.schema();
    Schema keys = schema.select("source_partition", "source_offset");
    int[] equalityIds = {
      schema.findField("source_partition").fieldId(), schema.findField("source_offset").fieldId()
    };
    GenericAppenderFactory writers =
        new GenericAppenderFactory(table, schema, table.spec(), null, equalityIds, keys, null);
    OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1).format(FileFormat.PARQUET).build();
    RowDelta delta = table.newRowDelta();
    int positionFiles = 0;
    int equalityFiles = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile data = task.file();
        PartitionSpec spec = table.specs().get(data.specId());
        List<Long> positions = new java.util.ArrayList<>();
        List<Record> equal = new java.util.ArrayList<>();
        try (CloseableIterable<Record> rows =
            Parquet.read(table.io().newInputFile(data.location()))
                .project(schema)
                .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
                .build()) {
          long pos = 0;
          for (Record row : rows) {
            long offset = (Long) row.getField("source_offset");
            int partition = (Integer) row.getField("source_partition");
            if (byPosition.contains(offset)) positions.add(pos);
            if (byEquality.contains(partition + ":" + offset)) {
              Record key = GenericRecord.create(keys);
              key.setField("source_partition", partition);
              key.setField("source_offset", offset);
              equal.add(key);
            }
            pos++;
          }
        }
        if (!positions.isEmpty()) {
          EncryptedOutputFile file = files.newOutputFile(spec, data.partition());
          PositionDeleteWriter<Record> writer =
              writers.newPosDeleteWriter(file, FileFormat.PARQUET, data.partition());
          try (writer) {
            PositionDelete<Record> delete = PositionDelete.create();
            for (long p : positions) writer.write(delete.set(data.location(), p, null));
          }
          DeleteFile deletes = writer.toDeleteFile();
          delta.addDeletes(deletes);
          positionFiles++;
        }
        if (!equal.isEmpty()) {
          EncryptedOutputFile file = files.newOutputFile(spec, data.partition());
          EqualityDeleteWriter<Record> writer =
              writers.newEqDeleteWriter(file, FileFormat.PARQUET, data.partition());
          try (writer) {
            for (Record key : equal) writer.write(key);
          }
          delta.addDeletes(writer.toDeleteFile());
          equalityFiles++;
        }
      }
    }
    delta.commit();
    out.put("positionDeleteFiles", positionFiles);
    out.put("equalityDeleteFiles", equalityFiles);
    out.put("snapshotId", String.valueOf(table.currentSnapshot().snapshotId()));
  }
}
