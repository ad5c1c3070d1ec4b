package io.tickstorm.server.admission;

/**
 * Whether new connections may enter at all, asked once per accepted socket on its event loop: the server closes it
 * on a resource breach ({@link RefusalReason#BREACH}) and on shutdown ({@link RefusalReason#SHUTDOWN}). Must not
 * block; read a volatile flag or the resource monitor's accessors.
 */
@FunctionalInterface
public interface AdmissionGate {

    /** Always open. */
    AdmissionGate OPEN = () -> null;

    /** @return null while new connections may enter, otherwise the refusal to give them */
    Refusal refusal();
}
