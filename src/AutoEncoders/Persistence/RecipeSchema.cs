using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Pointer;
using Json.Schema;

namespace AutoEncoders.Persistence;

/// <summary>
/// One of the recipe JSON Schemas (draft 2020-12) kept in <c>recipes/</c> and embedded in the library, checked
/// before a recipe is deserialised: unknown fields, wrong types and unknown kinds are refused with the field's path,
/// `FILE: model.layers[1]: expected an integer, found a string`. The records' own Validate methods still check
/// values and their relations afterwards.
/// </summary>
public sealed class RecipeSchema
{
    private static readonly Lazy<RecipeSchema> TrainingSchema = new(() => FromResource("AutoEncoders.recipe.schema.json"));
    private static readonly Lazy<RecipeSchema> PretrainingSchema = new(() => FromResource("AutoEncoders.pretraining-recipe.schema.json"));

    private readonly JsonSchema _schema;
    private readonly JsonNode _document;

    private RecipeSchema(string text)
    {
        _document = JsonNode.Parse(text)!;
        // A registry of its own: the global one would refuse a second schema with the same base URI.
        _schema = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri("https://autoencoders.local/" + Guid.NewGuid().ToString("N")));
    }

    /// <summary>The schema of `ae train` recipes (recipes/recipe.schema.json).</summary>
    public static RecipeSchema Training => TrainingSchema.Value;

    /// <summary>The schema of `ae pretrain` recipes (recipes/pretraining/pretraining-recipe.schema.json).</summary>
    public static RecipeSchema Pretraining => PretrainingSchema.Value;

    /// <summary>The schema's text, as embedded.</summary>
    public string Text => _document.ToJsonString();

    /// <summary>Every problem in <paramref name="json"/>, as `PATH: WHAT`, deepest field first; empty when it conforms.</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public IReadOnlyList<string> Problems(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        EvaluationResults results = _schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        JsonNode? instance = JsonNode.Parse(document.RootElement.GetRawText());
        var problems = new List<(int Depth, string Text)>();
        foreach (EvaluationResults unit in results.Details ?? [])
        {
            // An "if" that fails only selects another branch; it is no problem of the recipe.
            if (Enumerable.Range(0, unit.EvaluationPath.SegmentCount).Any(i => unit.EvaluationPath[i].ToString() == "if"))
            {
                continue;
            }

            foreach ((string keyword, string message) in unit.Errors ?? new Dictionary<string, string>())
            {
                // An if/then or allOf only reports that a branch failed; the branch's own unit says why.
                if (keyword is "allOf" or "anyOf" or "if" or "then")
                {
                    continue;
                }

                problems.Add((unit.InstanceLocation.SegmentCount, $"{FieldPath(unit.InstanceLocation)}: {Describe(keyword, message, unit, instance)}"));
            }
        }

        return problems.Count == 0
            ? ["(document): does not match the recipe schema"]
            : problems.OrderByDescending(p => p.Depth).Select(p => p.Text).Distinct().ToList();
    }

    /// <summary>Throws when <paramref name="json"/> does not conform; the message reads `SOURCE: PATH: WHAT`.</summary>
    /// <exception cref="InvalidDataException">The first (deepest) problem found.</exception>
    public void Check(string json, string source)
    {
        IReadOnlyList<string> problems;
        try
        {
            problems = Problems(json);
        }
        catch (JsonException)
        {
            // Not JSON at all: the deserialiser's message names the line; let it speak.
            return;
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{source}: {problems[0]}");
        }
    }

    private string Describe(string keyword, string message, EvaluationResults unit, JsonNode? instance)
    {
        JsonNode? schema = SchemaAt(unit);
        JsonNode? value = unit.InstanceLocation.TryEvaluate(instance, out JsonNode? found) ? found : null;
        if (keyword == "false" || unit.EvaluationPath.ToString().EndsWith("/additionalProperties", StringComparison.Ordinal))
        {
            string field = unit.InstanceLocation.SegmentCount > 0 ? unit.InstanceLocation[unit.InstanceLocation.SegmentCount - 1].ToString() : "";
            IEnumerable<string> known = KnownFields(unit);
            return $"unknown field \"{field}\"; expected one of {string.Join(", ", known)}";
        }

        return keyword switch
        {
            "type" => $"expected {Expected(schema?["type"])}, found {Kind(value)}",
            "required" when schema?["required"] is JsonArray required =>
                $"missing field {string.Join(", ", required.Select(r => r!.GetValue<string>()).Where(r => value is not JsonObject o || !o.ContainsKey(r)).Select(r => $"\"{r}\""))}",
            "enum" when schema?["enum"] is JsonArray accepted =>
                $"expected one of {string.Join(", ", accepted.Select(a => a!.ToJsonString()))}; found {value?.ToJsonString() ?? "null"}",
            _ => message,
        };
    }

    // The schema object whose keyword failed. The evaluation path is followed through the schema document, into
    // the target of each $ref; a trailing segment that names the keyword rather than a subschema is left out.
    private JsonNode? SchemaAt(EvaluationResults unit) => Resolve(unit.EvaluationPath, dropLast: false);

    // The properties declared beside the additionalProperties that refused a field.
    private IEnumerable<string> KnownFields(EvaluationResults unit) =>
        Resolve(unit.EvaluationPath, dropLast: true) is JsonObject holder && holder["properties"] is JsonObject properties
            ? properties.Select(p => p.Key)
            : [];

    private JsonNode? Resolve(JsonPointer path, bool dropLast)
    {
        JsonNode? node = _document;
        int count = dropLast ? path.SegmentCount - 1 : path.SegmentCount;
        for (int i = 0; i < count && node is not null; i++)
        {
            string segment = path[i].ToString();
            JsonNode? next = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out int index) && index < a.Count => a[index],
                _ => null,
            };
            if (segment == "$ref" && node["$ref"] is JsonValue reference
                && JsonPointer.TryParse(reference.GetValue<string>().TrimStart('#'), out JsonPointer target))
            {
                next = target.TryEvaluate(_document, out JsonNode? referenced) ? referenced : null;
            }

            if (next is null)
            {
                break;
            }

            node = next;
        }

        return node;
    }

    private static string Expected(JsonNode? type) => type switch
    {
        JsonArray types => string.Join(" or ", types.Select(t => Article(t!.GetValue<string>()))),
        JsonValue one => Article(one.GetValue<string>()),
        _ => "another type",
    };

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {v.ToJsonString()}",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        _ => value.ToJsonString(),
    };

    private static string Article(string type) => type switch
    {
        "integer" => "an integer",
        "object" => "an object",
        "array" => "an array",
        "null" => "null",
        _ => $"a {type}",
    };

    // /model/layers/1 -> model.layers[1]
    private static string FieldPath(JsonPointer location)
    {
        if (location.SegmentCount == 0)
        {
            return "(document)";
        }

        var path = new System.Text.StringBuilder();
        for (int i = 0; i < location.SegmentCount; i++)
        {
            string segment = location[i].ToString();
            if (int.TryParse(segment, out _))
            {
                path.Append('[').Append(segment).Append(']');
            }
            else
            {
                path.Append(path.Length > 0 ? "." : "").Append(segment);
            }
        }

        return path.ToString();
    }

    private static RecipeSchema FromResource(string name)
    {
        using Stream stream = typeof(RecipeSchema).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The library was built without its embedded {name}.");
        using var reader = new StreamReader(stream);
        return new RecipeSchema(reader.ReadToEnd());
    }
}
