/**
 * The ConfigMaps and Secrets instances read at start (env) and while running (volumes): {@link
 * dev.pilotlight.controller.runtime.config.ConfigObjects}, the read interface the runtime uses, and
 * {@link dev.pilotlight.controller.runtime.config.LocalConfigObjects}, local mode's holder of what
 * the manifest files declare.
 */
package dev.pilotlight.controller.runtime.config;
