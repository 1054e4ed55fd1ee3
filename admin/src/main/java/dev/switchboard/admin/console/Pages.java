package dev.switchboard.admin.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.admin.internal.RegistrySession;
import dev.switchboard.admin.internal.Shares;
import dev.switchboard.admin.internal.Texts;
import dev.switchboard.admin.internal.Views;
import dev.switchboard.discovery.zk.ZkRegistryAdmin;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.Finding;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.InstanceView;
import dev.switchboard.discovery.zk.ZkRegistryAdmin.ServiceSummary;
import dev.switchboard.rpc.ServiceWeights;
import dev.switchboard.rpc.registry.RegistryHealth;
import dev.switchboard.rpc.registry.RegistryUris;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The console's pages (server-rendered, escaped) and the JSON their script polls. Each JSON
 * answer carries the registry data in the shape of {@code --json} and, under {@code view}, the
 * display texts of the page's cells (for the page itself; not a stable interface).
 */
final class Pages {
  /** A rendered page body and what its script polls. */
  record Page(int status, String title, String pollUrl, String body) {}

  /** A page's flash message. */
  record Flash(boolean ok, String message) {}

  private final RegistrySession session;
  private final TrafficSplit split;
  private final boolean readOnly;

  Pages(RegistrySession session, TrafficSplit split, boolean readOnly) {
    this.session = session;
    this.split = split;
    this.readOnly = readOnly;
  }

  // ---- overview ----

  static String health(ServiceSummary summary) {
    if (summary.serving() == 0) {
      return "down";
    }
    return summary.draining() > 0 || summary.invalid() > 0 ? "degraded" : "healthy";
  }

  private static Map<String, String> serviceCells(ServiceSummary summary, Instant now) {
    Map<String, String> cells = new LinkedHashMap<>();
    cells.put("applications", String.join(", ", summary.applications()));
    cells.put("instances", String.valueOf(summary.serving() + summary.draining()
        + summary.invalid()));
    cells.put("serving", String.valueOf(summary.serving()));
    cells.put("draining", String.valueOf(summary.draining()));
    cells.put("invalid", String.valueOf(summary.invalid()));
    cells.put("health", health(summary));
    cells.put("lastChange", Texts.ago(summary.lastChange(), now));
    return cells;
  }

  Page overview() {
    List<ServiceSummary> services = session.call(ZkRegistryAdmin::services);
    Instant now = Instant.now();
    Html html = new Html();
    html.raw("<h1>Services</h1><p class=\"sub\"><span data-page-field=\"count\">")
        .esc(countText(services)).raw("</span> in ").raw("<span class=\"mono\">")
        .esc(session.redactedUri()).raw("</span></p>");
    if (services.isEmpty()) {
      html.raw("<p class=\"note\">No services are registered yet. Providers appear here as"
          + " soon as they register.</p>");
    }
    html.raw("<table class=\"grid\" id=\"services\"><thead><tr><th>Service</th>"
        + "<th>Applications</th><th class=\"num\">Instances</th><th class=\"num\">Serving</th>"
        + "<th class=\"num\">Draining</th><th class=\"num\">Invalid</th><th>Health</th>"
        + "<th>Last change</th></tr></thead><tbody>");
    for (ServiceSummary summary : services) {
      Map<String, String> cells = serviceCells(summary, now);
      html.raw("<tr data-group=\"services\" data-key=\"").esc(summary.service())
          .raw("\" data-state=\"").esc(health(summary)).raw("\"><td><a class=\"service\" href=\"")
          .esc("/service?name=" + Html.query(summary.service())).raw("\">")
          .esc(summary.service()).raw("</a></td>");
      html.cell("applications", cells.get("applications"));
      html.cell("instances", cells.get("instances"), "num");
      html.cell("serving", cells.get("serving"), "num");
      html.cell("draining", cells.get("draining"), "num");
      html.cell("invalid", cells.get("invalid"), "num");
      html.cell("health", cells.get("health"), "health");
      html.cell("lastChange", cells.get("lastChange"));
      html.raw("</tr>");
    }
    html.raw("</tbody></table>");
    return new Page(200, "Services", "/api/services", html.toString());
  }

  private static String countText(List<ServiceSummary> services) {
    return services.size() + (services.size() == 1 ? " service" : " services");
  }

  ObjectNode overviewJson() {
    List<ServiceSummary> services = session.call(ZkRegistryAdmin::services);
    Instant now = Instant.now();
    ObjectNode root = Views.object();
    root.put("registry", session.redactedUri());
    ArrayNode list = root.putArray("services");
    ArrayNode rows = Views.array();
    for (ServiceSummary summary : services) {
      ObjectNode node = Views.service(summary);
      node.put("health", health(summary));
      list.add(node);
      rows.add(row(summary.service(), health(summary), null, serviceCells(summary, now)));
    }
    ObjectNode view = root.putObject("view");
    view.putObject("groups").set("services", rows);
    view.putObject("fields").put("count", countText(services));
    return root;
  }

  private static ObjectNode row(String key, String state, String action,
      Map<String, String> cells) {
    ObjectNode row = Views.object();
    row.put("key", key);
    if (state != null) {
      row.put("state", state);
    }
    if (action != null) {
      row.put("action", action);
    }
    ObjectNode values = row.putObject("cells");
    cells.forEach(values::put);
    return row;
  }

  // ---- a service ----

  private static String action(InstanceView instance) {
    if (instance.invalidReason().isPresent() || instance.state() == null) {
      return "none";
    }
    boolean drained = instance.override().map(ZkRegistryAdmin.InstanceOverride::drain)
        .orElse(false) || "DRAINING".equals(Views.state(instance));
    return drained ? "enable" : "drain";
  }

  private static Map<String, String> instanceCells(InstanceView instance,
      Map<String, Double> shares) {
    Map<String, String> cells = new LinkedHashMap<>();
    String pending = Views.pending(instance);
    cells.put("state", Views.state(instance) + (pending.isEmpty() ? "" : " (" + pending + ")"));
    cells.put("weight", String.valueOf(instance.weight()));
    cells.put("override", Views.overrideText(instance));
    cells.put("effective", String.valueOf(instance.effectiveWeight()));
    Double share = shares.get(instance.instanceId());
    cells.put("share", share == null ? "-" : Texts.percent(share));
    cells.put("age", Texts.duration(instance.age()));
    cells.put("zone", Texts.orDash(instance.zone()));
    cells.put("version", Texts.orDash(instance.version()));
    cells.put("tls", instance.tls() ? "yes" : "no");
    return cells;
  }

  private static String summaryText(List<InstanceView> instances) {
    long serving = instances.stream().filter(i -> Views.state(i).equals("SERVING")).count();
    long draining = instances.stream().filter(i -> Views.state(i).equals("DRAINING")).count();
    long invalid = instances.size() - serving - draining;
    return serving + " serving · " + draining + " draining · " + invalid + " invalid";
  }

  Page service(String service, Flash flash) {
    List<InstanceView> instances = session.call(admin -> admin.instances(service));
    List<ServiceSummary> services = session.call(ZkRegistryAdmin::services);
    ServiceSummary summary = services.stream().filter(s -> s.service().equals(service))
        .findFirst().orElse(null);
    if (summary == null && instances.isEmpty()) {
      return notFound("No service '" + service + "' in the registry.");
    }
    Map<String, Double> shares = Shares.current(session, service, instances);
    Html html = new Html();
    html.raw("<p class=\"crumbs\"><a href=\"/\">Services</a> / ").esc(service).raw("</p>");
    html.raw("<h1 class=\"mono\">").esc(service).raw("</h1><p class=\"sub\">")
        .raw("<span data-page-field=\"summary\">").esc(summaryText(instances)).raw("</span>");
    if (summary != null) {
      html.raw(" · applications: ").esc(String.join(", ", summary.applications()));
    }
    html.raw("</p>");
    flash(html, flash);
    html.raw("<h2>Instances</h2><table class=\"grid\" id=\"instances\"><thead><tr>"
        + "<th>Instance</th><th>Address</th><th class=\"num\">Weight</th><th>Override</th>"
        + "<th class=\"num\">Effective</th><th class=\"num\">Share</th><th>Zone</th>"
        + "<th>Version</th><th>State</th><th>Age</th><th>TLS</th><th>Metadata</th>"
        + (readOnly ? "" : "<th>Actions</th>") + "</tr></thead><tbody>");
    for (InstanceView instance : instances) {
      Map<String, String> cells = instanceCells(instance, shares);
      String action = action(instance);
      html.raw("<tr data-group=\"instances\" data-key=\"").esc(instance.instanceId())
          .raw("\" data-state=\"").esc(Views.state(instance)).raw("\" data-action=\"")
          .esc(action).raw("\">");
      html.raw("<td class=\"mono\">").esc(instance.instanceId()).raw("<div class=\"meta\">")
          .esc(instance.application()).raw("</div></td>");
      html.raw("<td class=\"mono\">").esc(Views.address(instance)).raw("</td>");
      html.cell("weight", cells.get("weight"), "num");
      html.cell("override", cells.get("override"));
      html.cell("effective", cells.get("effective"), "num");
      html.cell("share", cells.get("share"), "num");
      html.cell("zone", cells.get("zone"));
      html.cell("version", cells.get("version"));
      html.cell("state", cells.get("state"), "state");
      html.cell("age", cells.get("age"));
      html.cell("tls", cells.get("tls"));
      html.raw("<td class=\"meta\">");
      Map<String, String> metadata = new TreeMap<>(instance.metadata());
      if (metadata.isEmpty()) {
        html.esc("-");
      }
      metadata.forEach((key, value) -> html.raw("<div>").esc(key + "=" + value).raw("</div>"));
      html.raw("</td>");
      if (!readOnly) {
        html.raw("<td class=\"actions\">");
        if (!action.equals("none")) {
          String label = action.equals("drain") ? "Drain" : "Enable";
          html.raw("<a class=\"btn\" data-action-link=\"").esc(action).raw("\" href=\"")
              .esc("/confirm?action=" + action + "&instance=" + Html.query(instance.instanceId())
                  + "&service=" + Html.query(service))
              .raw("\">").esc(label).raw("</a>");
          html.raw("<form class=\"inline\" method=\"get\" action=\"/confirm\">"
              + "<input type=\"hidden\" name=\"action\" value=\"weight\">"
              + "<input type=\"hidden\" name=\"instance\" value=\"").esc(instance.instanceId())
              .raw("\"><input type=\"hidden\" name=\"service\" value=\"").esc(service)
              .raw("\"><input type=\"number\" name=\"weight\" min=\"1\" max=\"10000\""
                  + " aria-label=\"new weight\" value=\"")
              .esc(instance.effectiveWeight()).raw("\"><button class=\"btn\" type=\"submit\">"
                  + "Weight…</button></form>");
        }
        html.raw("</td>");
      }
      html.raw("</tr>");
    }
    html.raw("</tbody></table>");
    List<InstanceView> invalid = instances.stream()
        .filter(instance -> instance.invalidReason().isPresent()).toList();
    if (!invalid.isEmpty()) {
      html.raw("<h2>Invalid nodes</h2><p class=\"note\">Consumers skip these nodes:</p><ul>");
      for (InstanceView instance : invalid) {
        html.raw("<li><span class=\"mono\">").esc(instance.instanceId()).raw("</span>: ")
            .esc(instance.invalidReason().get()).raw("</li>");
      }
      html.raw("</ul>");
    }
    renderSplit(html, service, instances, shares);
    return new Page(200, service, "/api/service?name=" + Html.query(service), html.toString());
  }

  private void renderSplit(Html html, String service, List<InstanceView> instances,
      Map<String, Double> shares) {
    html.raw("<h2>Traffic split</h2>");
    TrafficSplit.Split observed = split.targets().isEmpty() ? null : split.of(service);
    List<SplitRow> rows = splitRows(instances, shares, observed);
    html.raw("<table class=\"grid\" id=\"split\"><thead><tr><th>Instance</th>"
        + "<th class=\"num\">By weight</th><th class=\"num\">Observed, total</th>"
        + "<th class=\"num\">Observed, recent</th><th>Share observed (or by weight)</th>"
        + "</tr></thead><tbody>");
    for (SplitRow row : rows) {
      html.raw("<tr data-group=\"split\" data-key=\"").esc(row.key()).raw("\">")
          .raw("<td class=\"mono\">").esc(row.key()).raw("</td>");
      html.cell("byWeight", row.cells().get("byWeight"), "num");
      html.cell("observedTotal", row.cells().get("observedTotal"), "num");
      html.cell("observedRecent", row.cells().get("observedRecent"), "num");
      html.raw("<td><progress max=\"1\" data-value-field=\"bar\" value=\"")
          .esc(row.cells().get("bar")).raw("\"></progress></td></tr>");
    }
    html.raw("</tbody></table>");
    html.raw("<p class=\"note\" data-page-field=\"splitNote\">").esc(splitNote(observed))
        .raw("</p>");
  }

  private record SplitRow(String key, Map<String, String> cells) {}

  private static List<SplitRow> splitRows(List<InstanceView> instances,
      Map<String, Double> shares, TrafficSplit.Split observed) {
    Set<String> keys = new LinkedHashSet<>();
    for (InstanceView instance : instances) {
      if (instance.invalidReason().isEmpty()) {
        keys.add(instance.instanceId());
      }
    }
    if (observed != null) {
      keys.addAll(observed.totals().keySet());
    }
    double total = observed == null ? 0
        : observed.totals().values().stream().mapToDouble(Double::doubleValue).sum();
    double recentTotal = observed == null ? 0
        : observed.recent().values().stream().mapToDouble(Double::doubleValue).sum();
    List<SplitRow> rows = new ArrayList<>();
    for (String key : keys) {
      Map<String, String> cells = new LinkedHashMap<>();
      Double share = shares.get(key);
      cells.put("byWeight", share == null ? "-" : Texts.percent(share));
      double bar = share == null ? 0 : share;
      if (observed == null || !observed.available()) {
        cells.put("observedTotal", "n/a");
        cells.put("observedRecent", "n/a");
      } else {
        double calls = observed.totals().getOrDefault(key, 0.0);
        cells.put("observedTotal", String.format(Locale.ROOT, "%,.0f · %s", calls,
            Texts.percent(total == 0 ? 0 : calls / total)));
        double recent = observed.recent().getOrDefault(key, 0.0);
        cells.put("observedRecent", recentTotal == 0 ? "-"
            : String.format(Locale.ROOT, "%,.0f · %s", recent, Texts.percent(recent / recentTotal)));
        bar = recentTotal > 0 ? recent / recentTotal : total > 0 ? calls / total : 0;
      }
      cells.put("bar", String.format(Locale.ROOT, "%.4f", bar));
      rows.add(new SplitRow(key, cells));
    }
    return rows;
  }

  private String splitNote(TrafficSplit.Split observed) {
    if (split.targets().isEmpty()) {
      return "By weight: the share the effective weights give the weighted balancers. No observed"
          + " split: no metrics source was given. Start the console with --metrics"
          + " http://host:port/metrics (a consumer's Prometheus endpoint, e.g. RpcClient"
          + " metricsPort or the quick start's --metrics-port; a provider's endpoint works when it"
          + " serves one instance) to see the calls each instance actually gets.";
    }
    StringBuilder note = new StringBuilder();
    if (observed.available()) {
      note.append("Observed: ").append(observed.source()).append("; total since the processes"
          + " started");
      if (!observed.recent().isEmpty()) {
        note.append(String.format(Locale.ROOT, ", recent over the last %.0f s",
            observed.recentSeconds()));
      }
      note.append(". ");
    } else {
      note.append("No observed split for this service in the metrics: the targets report no"
          + " picks or calls for it. ");
    }
    note.append("Sources: ");
    for (int i = 0; i < observed.targets().size(); i++) {
      TrafficSplit.TargetStatus status = observed.targets().get(i);
      note.append(i == 0 ? "" : ", ").append(RegistryUris.redact(status.target())).append(" (")
          .append(status.detail()).append(')');
    }
    return note.append('.').toString();
  }

  ObjectNode serviceJson(String service) {
    List<InstanceView> instances = session.call(admin -> admin.instances(service));
    Map<String, Double> shares = Shares.current(session, service, instances);
    ObjectNode root = Views.object();
    root.put("registry", session.redactedUri());
    root.put("service", service);
    ArrayNode list = root.putArray("instances");
    ArrayNode rows = Views.array();
    for (InstanceView instance : instances) {
      ObjectNode node = Views.instance(instance);
      node.put("share", shares.getOrDefault(instance.instanceId(), 0.0));
      list.add(node);
      rows.add(row(instance.instanceId(), Views.state(instance), action(instance),
          instanceCells(instance, shares)));
    }
    TrafficSplit.Split observed = split.targets().isEmpty() ? null : split.of(service);
    ObjectNode splitNode = root.putObject("split");
    splitNode.put("available", observed != null && observed.available());
    if (observed != null) {
      splitNode.put("source", observed.source());
      ObjectNode totals = splitNode.putObject("totals");
      observed.totals().forEach(totals::put);
      ObjectNode recent = splitNode.putObject("recent");
      observed.recent().forEach(recent::put);
      splitNode.put("recentSeconds", observed.recentSeconds());
      ArrayNode targets = splitNode.putArray("targets");
      for (TrafficSplit.TargetStatus status : observed.targets()) {
        targets.addObject().put("target", RegistryUris.redact(status.target()))
            .put("ok", status.ok())
            .put("detail", status.detail());
      }
    }
    ArrayNode splitRows = Views.array();
    for (SplitRow row : splitRows(instances, shares, observed)) {
      splitRows.add(row(row.key(), null, null, row.cells()));
    }
    ObjectNode view = root.putObject("view");
    ObjectNode groups = view.putObject("groups");
    groups.set("instances", rows);
    groups.set("split", splitRows);
    ObjectNode fields = view.putObject("fields");
    fields.put("summary", summaryText(instances));
    fields.put("splitNote", splitNote(observed));
    return root;
  }

  // ---- the registry ----

  private static Map<String, String> healthFields(RegistryHealth health) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("session", health.session());
    fields.put("reRegistrations", String.valueOf(health.reRegistrations()));
    fields.put("invalidNodesSkipped", String.valueOf(health.invalidNodesSkipped()));
    return fields;
  }

  Page registry(String who) {
    RegistryHealth health = session.call(ZkRegistryAdmin::health);
    List<Finding> findings = session.call(ZkRegistryAdmin::doctor);
    Map<String, String> fields = healthFields(health);
    Html html = new Html();
    html.raw("<h1>Registry</h1><p class=\"sub\">The registry as this console's own ZooKeeper"
        + " session sees it.</p><table class=\"kv\"><tbody>");
    html.raw("<tr><th>Registry</th><td class=\"mono\">").esc(session.redactedUri())
        .raw("</td></tr>");
    html.raw("<tr><th>Session</th><td><span class=\"pill\" data-page-field=\"session\">")
        .esc(fields.get("session")).raw("</span></td></tr>");
    html.raw("<tr><th>Re-registrations</th><td data-page-field=\"reRegistrations\">")
        .esc(fields.get("reRegistrations")).raw("</td></tr>");
    html.raw("<tr><th>Invalid nodes skipped</th><td data-page-field=\"invalidNodesSkipped\">")
        .esc(fields.get("invalidNodesSkipped")).raw("</td></tr>");
    html.raw("<tr><th>Actions recorded as</th><td>").esc(who).raw("</td></tr>");
    html.raw("</tbody></table>");
    renderProcesses(html);
    if (!health.services().isEmpty()) {
      html.raw("<h2>Services this session watches</h2>");
      html.raw("<table class=\"grid\"><thead><tr><th>Service</th><th class=\"num\">Instances"
          + "</th><th>Last known good</th><th class=\"num\">Mass-drop holds</th>"
          + "<th>Snapshot age</th></tr></thead><tbody>");
      new TreeMap<>(health.services()).forEach((name, service) -> html.raw("<tr><td class=\"mono\">")
          .esc(name).raw("</td><td class=\"num\">").esc(service.instances()).raw("</td><td>")
          .esc(service.holdingLastKnownGood() ? "holding" : "no").raw("</td><td class=\"num\">")
          .esc(service.massDropHolds()).raw("</td><td>")
          .esc(service.snapshotAge().map(Texts::duration).orElse("-")).raw("</td></tr>"));
      html.raw("</tbody></table>");
    }
    html.raw("<h2>Doctor</h2>");
    if (findings.isEmpty()) {
      html.raw("<p class=\"note\">No problems found: no orphaned nodes, invalid payloads,"
          + " duplicate endpoints or ACL problems.</p>");
    } else {
      html.raw("<table class=\"grid\"><thead><tr><th>Severity</th><th>Path</th><th>Finding</th>"
          + "</tr></thead><tbody>");
      for (Finding finding : findings) {
        html.raw("<tr data-state=\"").esc("error".equalsIgnoreCase(finding.severity())
            ? "down" : "degraded").raw("\"><td class=\"health\">").esc(finding.severity())
            .raw("</td><td class=\"mono\">").esc(finding.path()).raw("</td><td>")
            .esc(finding.message()).raw("</td></tr>");
      }
      html.raw("</tbody></table>");
    }
    return new Page(200, "Registry", "/api/registry", html.toString());
  }

  private static Map<String, String> processCells(TrafficSplit.ProcessHealth process) {
    Map<String, String> cells = new LinkedHashMap<>();
    cells.put("session", process.session());
    cells.put("reRegistrations", String.valueOf(process.reRegistrations()));
    cells.put("invalidNodesSkipped", String.valueOf(process.invalidNodesSkipped()));
    List<String> services = new ArrayList<>();
    process.services().forEach((service, hold) -> services.add(service + ": "
        + hold.instances() + " instances, " + (hold.lastKnownGood() ? "HOLDING last known good"
            : "live view") + ", " + hold.massDropHolds() + " mass-drop holds"
        + (hold.snapshotInUse() ? ", from the disk snapshot" : "")));
    cells.put("services", services.isEmpty() ? "-" : String.join("; ", services));
    return cells;
  }

  private void renderProcesses(Html html) {
    html.raw("<h2>As the processes see it</h2>");
    if (split.targets().isEmpty()) {
      html.raw("<p class=\"note\">The console's own session watches nothing, so it holds"
          + " nothing. Consumers' and providers' registry health (their session, last-known-good"
          + " views and mass-drop holds per service) shows here when the console is started with"
          + " --metrics http://host:port/metrics for their Prometheus endpoints.</p>");
      return;
    }
    List<TrafficSplit.ProcessHealth> processes = split.registryHealth();
    html.raw("<table class=\"grid\" id=\"processes\"><thead><tr><th>Process</th><th>Role</th>"
        + "<th>Session</th><th class=\"num\">Re-registrations</th><th class=\"num\">Invalid"
        + " nodes skipped</th><th>Watched services: view and holds</th></tr></thead><tbody>");
    for (TrafficSplit.ProcessHealth process : processes) {
      Map<String, String> cells = processCells(process);
      html.raw("<tr data-group=\"processes\" data-key=\"").esc(process.key())
          .raw("\" data-state=\"").esc(process.session().equals("connected") ? "healthy"
              : "down").raw("\"><td class=\"mono\">").esc(RegistryUris.redact(process.target()))
          .raw("</td><td>").esc(process.role() + (process.instance().isEmpty() ? ""
              : " " + process.instance())).raw("</td>");
      html.cell("session", cells.get("session"), "health");
      html.cell("reRegistrations", cells.get("reRegistrations"), "num");
      html.cell("invalidNodesSkipped", cells.get("invalidNodesSkipped"), "num");
      html.raw("<td data-field=\"services\" class=\"meta\">").esc(cells.get("services"))
          .raw("</td></tr>");
    }
    html.raw("</tbody></table>");
    if (processes.isEmpty()) {
      html.raw("<p class=\"note\">No registry metrics in the --metrics targets.</p>");
    }
  }

  ObjectNode registryJson() {
    RegistryHealth health = session.call(ZkRegistryAdmin::health);
    ObjectNode root = Views.object();
    root.put("registry", session.redactedUri());
    root.set("health", Views.health(health));
    ArrayNode processes = root.putArray("processes");
    ArrayNode rows = Views.array();
    if (!split.targets().isEmpty()) {
      for (TrafficSplit.ProcessHealth process : split.registryHealth()) {
        ObjectNode node = processes.addObject();
        node.put("target", RegistryUris.redact(process.target()));
        node.put("role", process.role());
        node.put("instance", process.instance());
        node.put("session", process.session());
        node.put("reRegistrations", process.reRegistrations());
        node.put("invalidNodesSkipped", process.invalidNodesSkipped());
        ObjectNode services = node.putObject("services");
        process.services().forEach((service, hold) -> services.putObject(service)
            .put("instances", hold.instances()).put("holdingLastKnownGood", hold.lastKnownGood())
            .put("massDropHolds", hold.massDropHolds()).put("snapshotInUse", hold.snapshotInUse()));
        rows.add(row(process.key(), process.session().equals("connected") ? "healthy" : "down",
            null, processCells(process)));
      }
    }
    ObjectNode view = root.putObject("view");
    view.putObject("groups").set("processes", rows);
    ObjectNode fields = view.putObject("fields");
    healthFields(health).forEach(fields::put);
    return root;
  }

  // ---- confirmation ----

  Page confirm(String action, String instanceId, String serviceParam, String weightParam) {
    InstanceView instance = session.call(admin -> admin.instance(instanceId)).orElse(null);
    if (instance == null) {
      return notFound("No instance '" + instanceId + "' in the registry.");
    }
    String service = serviceParam == null || serviceParam.isBlank() ? instance.service()
        : serviceParam;
    Integer weight = null;
    if (action.equals("weight")) {
      weight = parseWeight(weightParam);
      if (weight == null) {
        return new Page(400, "Bad weight", null, errorBody("Weight '" + weightParam
            + "' is not allowed: give a whole number from " + ServiceWeights.MIN + " to "
            + ServiceWeights.MAX + ".", service));
      }
    }
    Html html = new Html();
    html.raw("<p class=\"crumbs\"><a href=\"/\">Services</a> / <a href=\"")
        .esc("/service?name=" + Html.query(service)).raw("\">").esc(service)
        .raw("</a> / confirm</p>");
    String verb = switch (action) {
      case "drain" -> "Drain";
      case "enable" -> "Enable";
      default -> "Set the weight of";
    };
    html.raw("<h1>").esc(verb + " ").raw("<span class=\"mono\">").esc(instance.instanceId())
        .raw("</span>").esc(weight == null ? "?" : " to " + weight + "?").raw("</h1>");
    html.raw("<table class=\"kv\"><tbody>");
    kv(html, "Address", Views.address(instance));
    kv(html, "Application", instance.application());
    kv(html, "State", Views.state(instance));
    kv(html, "Weight", instance.weight() + " published, " + instance.effectiveWeight()
        + " effective");
    kv(html, "Override", Views.overrideText(instance));
    html.raw("</tbody></table>");
    html.raw("<p class=\"note\">").esc(switch (action) {
      case "drain" -> "The provider will publish DRAINING and consumers stop sending it new"
          + " calls; calls in flight finish. Undo with Enable.";
      case "enable" -> "The provider will publish SERVING again and consumers send it calls.";
      default -> "Consumers will use weight " + weight + " for this instance (for every service"
          + " it serves) instead of the " + instance.weight() + " it publishes.";
    }).raw("</p>");
    if (weight != null) {
      int newWeight = weight;
      List<InstanceView> instances = session.call(admin -> admin.instances(service));
      Map<String, Double> now = Shares.current(session, service, instances);
      Map<String, Double> after = session.call(admin ->
          admin.dryRunWeight(service, instanceId, newWeight));
      html.raw("<h2>Preview (dry run): the traffic split of ").esc(service).raw("</h2>");
      html.raw("<table class=\"grid\" id=\"preview\"><thead><tr><th>Instance</th>"
          + "<th class=\"num\">Weight</th><th class=\"num\">Share now</th>"
          + "<th class=\"num\">Share after</th></tr></thead><tbody>");
      for (InstanceView other : instances) {
        boolean target = other.instanceId().equals(instanceId);
        html.raw(target ? "<tr data-state=\"DRAINING\">" : "<tr>").raw("<td class=\"mono\">")
            .esc(other.instanceId()).raw("</td><td class=\"num\">")
            .esc(target ? other.effectiveWeight() + " → " + newWeight
                : String.valueOf(other.effectiveWeight()))
            .raw("</td><td class=\"num\">")
            .esc(now.containsKey(other.instanceId()) ? Texts.percent(now.get(other.instanceId()))
                : "-")
            .raw("</td><td class=\"num\">")
            .esc(after.containsKey(other.instanceId())
                ? Texts.percent(after.get(other.instanceId())) : "-")
            .raw("</td></tr>");
      }
      html.raw("</tbody></table>");
    }
    if (readOnly) {
      html.raw("<p class=\"flash bad\">This console is read-only (started with --read-only):"
          + " actions are disabled.</p>");
    } else {
      html.raw("<form class=\"confirm\" method=\"post\" action=\"/action\">")
          .raw("<input type=\"hidden\" name=\"action\" value=\"").esc(action).raw("\">")
          .raw("<input type=\"hidden\" name=\"instance\" value=\"").esc(instanceId).raw("\">")
          .raw("<input type=\"hidden\" name=\"service\" value=\"").esc(service).raw("\">");
      if (weight != null) {
        html.raw("<input type=\"hidden\" name=\"weight\" value=\"").esc(weight).raw("\">");
      }
      html.raw("<label>Console token (printed when the console started)"
          + "<input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\""
          + " required></label>");
      html.raw("<button class=\"btn ").raw(action.equals("drain") ? "danger" : "primary")
          .raw("\" type=\"submit\" id=\"confirm\">").esc(switch (action) {
            case "drain" -> "Drain";
            case "enable" -> "Enable";
            default -> "Apply weight " + weight;
          }).raw("</button> <a class=\"btn ghost\" href=\"")
          .esc("/service?name=" + Html.query(service)).raw("\">Cancel</a></form>");
    }
    return new Page(200, "Confirm", null, html.toString());
  }

  static Integer parseWeight(String text) {
    if (text == null || !text.strip().matches("[0-9]{1,5}")) {
      return null;
    }
    int weight = Integer.parseInt(text.strip());
    return weight >= ServiceWeights.MIN && weight <= ServiceWeights.MAX ? weight : null;
  }

  private static void kv(Html html, String key, String value) {
    html.raw("<tr><th>").esc(key).raw("</th><td>").esc(value).raw("</td></tr>");
  }

  private static void flash(Html html, Flash flash) {
    if (flash != null) {
      html.raw("<div class=\"flash ").raw(flash.ok() ? "ok" : "bad").raw("\" id=\"flash\">")
          .esc(flash.message()).raw("</div>");
    }
  }

  static Page notFound(String message) {
    return new Page(404, "Not found", null, errorBody(message, null));
  }

  static String errorBody(String message, String service) {
    Html html = new Html();
    html.raw("<h1>Sorry</h1><p class=\"flash bad\" id=\"error\">").esc(message).raw("</p><p>");
    if (service != null) {
      html.raw("<a href=\"").esc("/service?name=" + Html.query(service)).raw("\">Back to ")
          .esc(service).raw("</a> · ");
    }
    html.raw("<a href=\"/\">All services</a></p>");
    return html.toString();
  }
}
