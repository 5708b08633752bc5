package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CEL environment of a CRD's {@code x-kubernetes-validations}, on Google's CEL for Java: the
 * variables {@code self} and {@code oldSelf}, typed from the schema node the rule sits on, the
 * standard macros ({@code has}, {@code all}, {@code exists}, {@code exists_one}, {@code map},
 * {@code filter}), and of Kubernetes' own libraries the one function our rules use, the list
 * library's {@code sum()} (k8s.io/apiserver/pkg/cel/library/lists.go: the sum of an int or double
 * list, 0 for an empty one), registered here with that meaning.
 *
 * <p>What this does not reproduce: Kubernetes types objects as structs with declared fields, this
 * types them as {@code map(string, dyn)}, so a field's type mismatch is caught only when the rule
 * runs (every rule runs on valid and invalid input in the tests); and it does not estimate the
 * rules' cost as the API server does when the CRD is created.
 */
final class KubernetesCel {

  /** A compiled rule, ready to run. */
  record Program(String expression, CelRuntime.Program program) {
    Object eval(Map<String, Object> vars) {
      try {
        return program.eval(vars);
      } catch (CelEvaluationException e) {
        throw new IllegalStateException(
            "CEL rule failed to evaluate: " + expression + ": " + e.getMessage(), e);
      }
    }
  }

  private static final CelType ELEMENT = TypeParamType.create("T");

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .addFunctionBindings(
              CelFunctionBinding.from("list_sum", List.class, KubernetesCel::sumInts))
          .build();

  private KubernetesCel() {}

  /**
   * Compiles {@code expression} with {@code self} (and {@code oldSelf}) of the type {@code schema}
   * describes.
   *
   * @throws IllegalArgumentException when it does not parse or type-check
   */
  static Program compile(String expression, JsonNode schema) {
    CelCompiler compiler = COMPILERS.computeIfAbsent(typeOf(schema), KubernetesCel::compiler);
    try {
      CelAbstractSyntaxTree ast = compiler.compile(expression).getAst();
      return new Program(expression, RUNTIME.createProgram(ast));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException(
          "CEL rule does not compile: " + expression + ": " + e.getMessage(), e);
    }
  }

  private static final Map<CelType, CelCompiler> COMPILERS = new ConcurrentHashMap<>();

  private static CelCompiler compiler(CelType self) {
    return CelCompilerFactory.standardCelCompilerBuilder()
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addVar("self", self)
        .addVar("oldSelf", self)
        .addFunctionDeclarations(
            CelFunctionDecl.newFunctionDeclaration(
                "sum",
                CelOverloadDecl.newMemberOverload("list_sum", ELEMENT, ListType.create(ELEMENT))))
        .build();
  }

  /** The CEL type of values the schema node describes (objects as maps, see the class note). */
  static CelType typeOf(JsonNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return SimpleType.DYN;
    }
    switch (schema.path("type").asText("")) {
      case "string":
        return SimpleType.STRING;
      case "integer":
        return SimpleType.INT;
      case "number":
        return SimpleType.DOUBLE;
      case "boolean":
        return SimpleType.BOOL;
      case "array":
        return ListType.create(typeOf(schema.path("items")));
      case "object":
        JsonNode additional = schema.path("additionalProperties");
        if (additional.isObject() && !schema.has("properties")) {
          return MapType.create(SimpleType.STRING, typeOf(additional));
        }
        return MapType.create(SimpleType.STRING, SimpleType.DYN);
      default:
        return SimpleType.DYN;
    }
  }

  /** A JSON value as CEL sees it: objects as maps, integers as {@code long}; nulls dropped. */
  static Object value(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Object v = value(e.getValue());
        if (v != null) {
          map.put(e.getKey(), v);
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(value(n)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }

  /** Kubernetes' {@code sum()} of an int list; our rules sum nothing else. */
  private static Object sumInts(List<?> list) {
    long sum = 0;
    for (Object o : list) {
      if (!(o instanceof Long n)) {
        throw new IllegalArgumentException("sum() of a list that is not all int: " + list);
      }
      sum = Math.addExact(sum, n);
    }
    return sum;
  }
}
