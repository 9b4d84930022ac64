package dev.grpcpool.bench.load.call;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.TimestampProto;

/**
 * Two .proto files built in the test, for what no generated service here has: a service file that imports a file
 * of messages, which imports a well-known type. {@code test/shop.proto} (package {@code test.shop}): service
 * {@code Shop} with {@code Buy} (unary), {@code Watch} (server streaming), {@code Upload} (client streaming) and
 * {@code Chat} (bidi), all taking and returning an {@code Order}. {@code test/types.proto} (package
 * {@code test.types}): {@code Order {int32 count = 1; Item item = 2; repeated Item items = 3;
 * google.protobuf.Timestamp at = 4;}} and {@code Item {string name = 1; int64 price = 2;}}.
 */
final class ShopFiles {
  static final FileDescriptorProto TYPES = FileDescriptorProto.newBuilder()
      .setName("test/types.proto").setPackage("test.types").setSyntax("proto3")
      .addDependency("google/protobuf/timestamp.proto")
      .addMessageType(DescriptorProto.newBuilder().setName("Order")
          .addField(field("count", 1, Type.TYPE_INT32, null, false))
          .addField(field("item", 2, Type.TYPE_MESSAGE, ".test.types.Item", false))
          .addField(field("items", 3, Type.TYPE_MESSAGE, ".test.types.Item", true))
          .addField(field("at", 4, Type.TYPE_MESSAGE, ".google.protobuf.Timestamp", false)))
      .addMessageType(DescriptorProto.newBuilder().setName("Item")
          .addField(field("name", 1, Type.TYPE_STRING, null, false))
          .addField(field("price", 2, Type.TYPE_INT64, null, false)))
      .build();

  static final FileDescriptorProto SHOP = FileDescriptorProto.newBuilder()
      .setName("test/shop.proto").setPackage("test.shop").setSyntax("proto3")
      .addDependency("test/types.proto")
      .addService(ServiceDescriptorProto.newBuilder().setName("Shop")
          .addMethod(method("Buy", false, false))
          .addMethod(method("Watch", false, true))
          .addMethod(method("Upload", true, false))
          .addMethod(method("Chat", true, true)))
      .build();

  static final FileDescriptor TYPES_FILE;
  static final FileDescriptor SHOP_FILE;

  static {
    try {
      TYPES_FILE = FileDescriptor.buildFrom(TYPES, new FileDescriptor[] {TimestampProto.getDescriptor()});
      SHOP_FILE = FileDescriptor.buildFrom(SHOP, new FileDescriptor[] {TYPES_FILE});
    } catch (DescriptorValidationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ShopFiles() {}

  /** A method of {@code test.shop.Shop}. */
  static MethodDescriptor method(String name) {
    return SHOP_FILE.findServiceByName("Shop").findMethodByName(name);
  }

  private static FieldDescriptorProto field(String name, int number, Type type, String typeName, boolean repeated) {
    FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setName(name).setJsonName(name)
        .setNumber(number).setType(type).setLabel(repeated ? Label.LABEL_REPEATED : Label.LABEL_OPTIONAL);
    return (typeName == null ? f : f.setTypeName(typeName)).build();
  }

  private static MethodDescriptorProto method(String name, boolean clientStreaming, boolean serverStreaming) {
    return MethodDescriptorProto.newBuilder().setName(name)
        .setInputType(".test.types.Order").setOutputType(".test.types.Order")
        .setClientStreaming(clientStreaming).setServerStreaming(serverStreaming).build();
  }
}
