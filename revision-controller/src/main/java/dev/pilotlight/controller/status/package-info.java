/** What `pilotlight status` shows: services and revisions with Knative's status field names. */
package dev.pilotlight.controller.status;
