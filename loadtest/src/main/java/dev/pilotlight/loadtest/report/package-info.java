/** What a load test found: the summary, the JSON document and the self-contained HTML report. */
package dev.pilotlight.loadtest.report;
