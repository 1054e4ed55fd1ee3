package dev.switchboard.rpc.internal;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Lets only clients whose TLS certificate carries an allowed identity (a SAN URI or DNS name)
 * call; others are closed with {@code PERMISSION_DENIED} naming the identity they presented.
 * Immutable and thread-safe.
 */
public final class ClientIdentityInterceptor implements ServerInterceptor {
  private final Set<String> allowed;

  /** Allows the clients presenting one of {@code allowed}. */
  public ClientIdentityInterceptor(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    List<String> presented = List.of();
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session != null) {
      try {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
          presented = TlsMaterial.identities(certificate);
        }
      } catch (SSLPeerUnverifiedException e) {
        // no client certificate
      }
    }
    for (String identity : presented) {
      if (allowed.contains(identity)) {
        return next.startCall(call, headers);
      }
    }
    call.close(Status.PERMISSION_DENIED.withDescription("client identity " + presented
        + " may not call " + call.getMethodDescriptor().getServiceName()), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
