/**
 * The revision controller: reconciles Service, Configuration, Revision and Route and owns the
 * instances.
 */
package dev.pilotlight.controller;
