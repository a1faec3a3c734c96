using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AutoEncoders.Models.Convolutional;

namespace AutoEncoders.Persistence;

/// <summary>
/// Makes the JSON Schema (draft 2020-12) of a recipe type from the records themselves, read as the deserialiser
/// reads them (<see cref="JsonDefaults.Options"/>: camelCase fields, snake_case enum values, unknown fields refused),
/// with each field's description taken from its XML documentation. The schema files in <c>recipes/</c> are its
/// output; a test regenerates them and fails when they are stale, so the schema cannot drift from the records.
/// </summary>
public static partial class RecipeSchemaGenerator
{
    private const string Draft = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>The schema of <paramref name="recipeType"/> as indented JSON with a trailing newline.</summary>
    /// <param name="recipeType">The root record, e.g. <c>typeof(Recipe)</c>.</param>
    /// <param name="title">The schema's title.</param>
    public static string Generate(Type recipeType, string title)
    {
        ArgumentNullException.ThrowIfNull(recipeType);
        XmlDocumentation docs = XmlDocumentation.For(recipeType.Assembly);
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(context, node, docs),
        };
        JsonNode body = JsonDefaults.Options.GetJsonSchemaAsNode(recipeType, exporter);
        InlineReferences(body);
        var root = new JsonObject
        {
            ["$schema"] = Draft,
            ["title"] = title,
        };
        foreach ((string key, JsonNode? value) in body.AsObject().ToList())
        {
            body.AsObject().Remove(key);
            root[key] = value;
        }

        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JsonDefaults.Options.Encoder }) + "\n";
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, XmlDocumentation docs)
    {
        Type type = context.TypeInfo.Type;
        if (type == typeof(ConvPadding) || Nullable.GetUnderlyingType(type) == typeof(ConvPadding))
        {
            // A custom converter: the exporter cannot see that it reads "same", "valid" or a count.
            node = new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["enum"] = new JsonArray("same", "valid") },
                    new JsonObject { ["type"] = "integer", ["minimum"] = 0 }),
            };
        }

        if (node is not JsonObject schema)
        {
            return node;
        }

        SimplifyNumbers(schema);
        DispatchOnDiscriminator(schema);
        string? description = context.PropertyInfo?.AttributeProvider is MemberInfo member
            ? docs.Summary(member)
            : context.BaseTypeInfo is null && context.PropertyInfo is null ? docs.Summary(type) : null;
        if (description is not null && !schema.ContainsKey("description"))
        {
            schema.Insert(0, "description", description);
        }

        if (context.PropertyInfo is { } property && DefaultOf(property) is JsonNode value)
        {
            schema["default"] = value;
        }

        if (context.PropertyInfo is { Set: null, Get: not null })
        {
            // Written for the reader (a term's name), ignored when a recipe is read.
            schema["readOnly"] = true;
        }

        return schema;
    }

    /// <summary>
    /// The value a field takes when a recipe leaves it out: read from a record made with no fields set. Only
    /// plain values are given (numbers, text, booleans, enum names, lists of them); sections are described by theirs.
    /// </summary>
    private static JsonNode? DefaultOf(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property)
    {
        // A field an abstract model config declares for its kinds (DenseVariationalAutoencoderConfig's) has the same
        // default in each: read it from the first concrete kind.
        Type? owner = property.DeclaringType.IsAbstract && property.DeclaringType.IsSubclassOf(typeof(Models.ModelConfig))
            ? property.DeclaringType.Assembly.GetTypes().FirstOrDefault(t => !t.IsAbstract && t.IsSubclassOf(property.DeclaringType) && t.GetConstructor(Type.EmptyTypes) is not null)
            : property.DeclaringType;
        if (property.Get is null || owner is null || owner.GetConstructor(Type.EmptyTypes) is null)
        {
            return null;
        }

        object? value;
        try
        {
            value = property.Get(Activator.CreateInstance(owner)!);
        }
        catch (TargetInvocationException)
        {
            return null;
        }

        JsonNode? node = value is null ? null : JsonSerializer.SerializeToNode(value, property.PropertyType, JsonDefaults.Options);
        return node switch
        {
            JsonValue => node,
            JsonArray a when a.All(e => e is JsonValue) => node,
            _ => null,
        };
    }

    /// <summary>
    /// Numbers are read strictly except for the named literals NaN and ±Infinity; the exporter spells that as
    /// "a number, or one of those names", which hides type errors in the messages, so the schema asks for a number.
    /// </summary>
    private static void SimplifyNumbers(JsonObject schema)
    {
        if (schema["anyOf"] is JsonArray { Count: 2 } choices
            && choices.FirstOrDefault(c => c?["enum"] is JsonArray e && e.Any(v => v?.GetValue<string>() == "NaN")) is JsonNode named)
        {
            JsonObject number = choices.First(c => c != named)!.AsObject();
            schema.Remove("anyOf");
            foreach ((string key, JsonNode? value) in number.ToList())
            {
                schema[key] = value?.DeepClone();
            }
        }

        if (schema["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() is "number" or "integer"))
        {
            var kept = new JsonArray(types.Select(t => t!.GetValue<string>()).Where(t => t != "string").Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
            schema["type"] = kept.Count == 1 ? JsonValue.Create(kept[0]!.GetValue<string>()) : kept;
            schema.Remove("pattern");
        }
    }

    /// <summary>
    /// A polymorphic section ("kind", or "type" for convolutional layers) becomes an enum of the discriminator plus
    /// one if/then per derived record: a wrong field in a dense model is then reported against the dense model's
    /// fields alone, not against every kind in an anyOf.
    /// </summary>
    private static void DispatchOnDiscriminator(JsonObject schema)
    {
        if (schema["anyOf"] is not JsonArray branches || branches.Count == 0)
        {
            return;
        }

        string? discriminator = null;
        var values = new JsonArray();
        var cases = new JsonArray();
        foreach (JsonNode? branch in branches)
        {
            if (branch is not JsonObject b || b["properties"] is not JsonObject properties)
            {
                return;
            }

            (string name, JsonNode constant)? found = properties
                .Where(p => p.Value is JsonObject o && o.ContainsKey("const"))
                .Select(p => (p.Key, p.Value!["const"]!))
                .Cast<(string, JsonNode)?>()
                .FirstOrDefault();
            if (found is null || (discriminator is not null && discriminator != found.Value.name))
            {
                return;
            }

            discriminator = found.Value.name;
            values.Add(found.Value.constant.DeepClone());
            b.Remove("type");
            cases.Add(new JsonObject
            {
                ["if"] = new JsonObject
                {
                    ["properties"] = new JsonObject { [discriminator] = new JsonObject { ["const"] = found.Value.constant.DeepClone() } },
                },
                ["then"] = b.DeepClone(),
            });
        }

        schema.Remove("anyOf");
        schema["type"] = "object";
        schema["required"] = new JsonArray(discriminator!);
        schema["properties"] = new JsonObject { [discriminator!] = new JsonObject { ["enum"] = values } };
        schema["allOf"] = cases;
    }

    /// <summary>
    /// Replaces every "$ref" by a copy of what it names. The exporter refers to a type's first occurrence by its
    /// path before <see cref="DispatchOnDiscriminator"/> moved the branches (anyOf/N became allOf/N/then), and a
    /// schema without references also reports errors at paths a reader can follow.
    /// </summary>
    private static void InlineReferences(JsonNode root)
    {
        for (int pass = 0; pass < 16; pass++)
        {
            List<JsonObject> references = Descendants(root).OfType<JsonObject>().Where(o => o.ContainsKey("$ref")).ToList();
            if (references.Count == 0)
            {
                return;
            }

            foreach (JsonObject reference in references)
            {
                string target = reference["$ref"]!.GetValue<string>();
                JsonNode resolved = Resolve(root, target) ?? throw new InvalidOperationException($"The schema refers to {target}, which it does not hold.");
                reference.Remove("$ref");
                foreach ((string key, JsonNode? value) in resolved.AsObject())
                {
                    if (!reference.ContainsKey(key))
                    {
                        reference[key] = value?.DeepClone();
                    }
                }
            }
        }

        throw new InvalidOperationException("The schema's references did not resolve in 16 passes; a type refers to itself.");
    }

    private static JsonNode? Resolve(JsonNode root, string reference)
    {
        string[] segments = reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? node = root;
        for (int i = 0; i < segments.Length && node is not null; i++)
        {
            string segment = segments[i].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (segment == "anyOf" && node is JsonObject o && !o.ContainsKey("anyOf") && o["allOf"] is JsonArray cases && i + 1 < segments.Length)
            {
                node = cases[int.Parse(segments[++i], System.Globalization.CultureInfo.InvariantCulture)]?["then"];
                continue;
            }

            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array => array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)],
                _ => null,
            };
        }

        return node;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (JsonNode? child in children)
        {
            if (child is not null)
            {
                foreach (JsonNode d in Descendants(child))
                {
                    yield return d;
                }
            }
        }
    }

    /// <summary>Summaries from an assembly's XML documentation file, as plain one-line text.</summary>
    private sealed partial class XmlDocumentation
    {
        private readonly Dictionary<string, string> _summaries;

        private XmlDocumentation(Dictionary<string, string> summaries) => _summaries = summaries;

        public static XmlDocumentation For(Assembly assembly)
        {
            string path = Path.ChangeExtension(assembly.Location, ".xml");
            var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
            if (File.Exists(path))
            {
                foreach (XElement member in XDocument.Load(path).Descendants("member"))
                {
                    if (member.Attribute("name")?.Value is string name && member.Element("summary") is XElement summary)
                    {
                        summaries[name] = PlainText(summary);
                    }
                }
            }

            return new XmlDocumentation(summaries);
        }

        public string? Summary(MemberInfo member) => member switch
        {
            PropertyInfo p => _summaries.GetValueOrDefault($"P:{Name(p.DeclaringType!)}.{p.Name}"),
            FieldInfo f => _summaries.GetValueOrDefault($"F:{Name(f.DeclaringType!)}.{f.Name}"),
            _ => null,
        };

        public string? Summary(Type type) => _summaries.GetValueOrDefault($"T:{Name(type)}");

        private static string Name(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

        private static string PlainText(XElement summary)
        {
            foreach (XElement reference in summary.Descendants().Where(e => e.Name == "see" || e.Name == "paramref" || e.Name == "typeparamref").ToList())
            {
                string target = reference.Attribute("cref")?.Value ?? reference.Attribute("name")?.Value ?? reference.Attribute("langword")?.Value ?? "";
                reference.ReplaceWith(reference.Value.Length > 0 ? reference.Value : target[(target.LastIndexOf('.') + 1)..]);
            }

            return Whitespace().Replace(summary.Value, " ").Trim();
        }

        [GeneratedRegex(@"\s+")]
        private static partial Regex Whitespace();
    }
}
