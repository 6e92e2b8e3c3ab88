package dev.scion.server.config;

/**
 * One option's chosen value and where it was written, so an error can point at the place to fix.
 *
 * @param source e.g. "--port", "SCION_PORT", or "port: in /etc/scion.yaml line 3"
 */
record Setting(Object value, String source) {}
