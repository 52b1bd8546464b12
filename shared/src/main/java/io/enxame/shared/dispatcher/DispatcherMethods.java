package io.enxame.shared.dispatcher;

import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;

/** The dispatcher's gRPC methods (service enxame.dispatcher.Dispatcher in dispatcher.proto), for both ends. */
public final class DispatcherMethods {
  private DispatcherMethods() {}

  public static final ServiceName SERVICE = ServiceName.create("enxame.dispatcher", "Dispatcher");

  public static final ServiceMethod<AgentMessage, DispatcherMessage> SESSION_SERVER = ServiceMethod.server(
      SERVICE, "Session", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(AgentMessage.newBuilder()));

  public static final ServiceMethod<DispatcherMessage, AgentMessage> SESSION_CLIENT = ServiceMethod.client(
      SERVICE, "Session", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(DispatcherMessage.newBuilder()));

  public static final ServiceMethod<RoutesRequest, RouteTable> ROUTES_SERVER = ServiceMethod.server(
      SERVICE, "Routes", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(RoutesRequest.newBuilder()));

  public static final ServiceMethod<RouteTable, RoutesRequest> ROUTES_CLIENT = ServiceMethod.client(
      SERVICE, "Routes", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(RouteTable.newBuilder()));
}
