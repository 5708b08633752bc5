/**
 * Pure builders and decisions of reconciliation: Service expansion, revision stamping, route
 * tables.
 */
package dev.pilotlight.controller.reconcile;
