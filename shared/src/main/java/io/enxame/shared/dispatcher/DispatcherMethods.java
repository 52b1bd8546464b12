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

  public static final ServiceMethod<GetRootCACertificateRequest, GetRootCACertificateResponse> ROOT_CA_SERVER = ServiceMethod.server(
      SERVICE, "GetRootCACertificate", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(GetRootCACertificateRequest.newBuilder()));

  public static final ServiceMethod<GetRootCACertificateResponse, GetRootCACertificateRequest> ROOT_CA_CLIENT = ServiceMethod.client(
      SERVICE, "GetRootCACertificate", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(GetRootCACertificateResponse.newBuilder()));

  public static final ServiceMethod<IssueNodeCertificateRequest, IssueNodeCertificateResponse> ISSUE_CERT_SERVER = ServiceMethod.server(
      SERVICE, "IssueNodeCertificate", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(IssueNodeCertificateRequest.newBuilder()));

  public static final ServiceMethod<IssueNodeCertificateResponse, IssueNodeCertificateRequest> ISSUE_CERT_CLIENT = ServiceMethod.client(
      SERVICE, "IssueNodeCertificate", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(IssueNodeCertificateResponse.newBuilder()));

  public static final ServiceMethod<JoinManagerRequest, JoinManagerResponse> JOIN_MANAGER_SERVER = ServiceMethod.server(
      SERVICE, "JoinManager", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(JoinManagerRequest.newBuilder()));

  public static final ServiceMethod<JoinManagerResponse, JoinManagerRequest> JOIN_MANAGER_CLIENT = ServiceMethod.client(
      SERVICE, "JoinManager", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(JoinManagerResponse.newBuilder()));

  public static final ServiceMethod<ManagerLogMessage, LogBatch> LOGS_SERVER = ServiceMethod.server(
      SERVICE, "Logs", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(ManagerLogMessage.newBuilder()));

  public static final ServiceMethod<LogBatch, ManagerLogMessage> LOGS_CLIENT = ServiceMethod.client(
      SERVICE, "Logs", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(LogBatch.newBuilder()));
}
