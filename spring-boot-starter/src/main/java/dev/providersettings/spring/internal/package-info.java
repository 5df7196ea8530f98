/**
 * Internals of the Spring Boot starter (failure analysis, dependency checks, initializer detection): not API.
 */
package dev.providersettings.spring.internal;
