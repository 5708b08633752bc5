/** The admin endpoint of local mode (127.0.0.1 only): status as JSON for `pilotlight status`. */
package dev.pilotlight.cli.admin;
