using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AutoEncoders.Persistence;

/// <summary>
/// Turns a YAML document into the equivalent JSON, so recipes in YAML and JSON share one deserialiser. Plain
/// scalars become numbers, booleans or null when they read as such (YAML 1.2 core schema); quoted scalars stay strings.
/// </summary>
/// <remarks>
/// Aliases are expanded, so a few lines of nested aliases can describe billions of nodes ("billion laughs"). The
/// document is first read as a stream of parser events, counting the nodes it expands to and its nesting depth, and
/// refused past <see cref="MaxNodes"/> nodes or <see cref="MaxDepth"/> levels before any tree is built.
/// </remarks>
public static class YamlToJson
{
    /// <summary>The most nodes (scalars, sequences, mappings) a document may expand to, aliases counted in full.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>The deepest nesting of sequences and mappings accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Converts <paramref name="yaml"/>; <paramref name="source"/> names the file in error messages.</summary>
    /// <exception cref="InvalidDataException">The YAML is malformed, uses an unknown alias, or is too large or deep; the message names the line and column.</exception>
    public static JsonNode? Convert(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        CheckSize(yaml, source);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}: line {e.Start.Line}, column {e.Start.Column}: {OneLine(e)}", e);
        }

        return stream.Documents.Count == 0 ? null : ToNode(stream.Documents[0].RootNode, source);
    }

    // Walks the parser's events without building a tree: the nodes each anchor expands to are remembered, so an
    // alias adds its anchor's full size. The parser keeps its own stack, so a deep document cannot overflow this one.
    private static void CheckSize(string yaml, string source)
    {
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Nodes)>();
        long total = 0;
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                ParsingEvent current = parser.Current!;
                last = current.Start;
                long added = 0;
                switch (current)
                {
                    case SequenceStart or MappingStart:
                        open.Push((AnchorOf(current), 0));
                        if (open.Count > MaxDepth)
                        {
                            throw new InvalidDataException($"{source}: line {current.Start.Line}, column {current.Start.Column}: expected sequences and mappings nested at most {MaxDepth} deep; this one is deeper.");
                        }

                        continue;
                    case SequenceEnd or MappingEnd:
                        (string? anchor, long nodes) = open.Pop();
                        added = nodes + 1;
                        Remember(anchors, anchor, added);
                        break;
                    case YamlDotNet.Core.Events.Scalar:
                        added = 1;
                        Remember(anchors, AnchorOf(current), added);
                        break;
                    case AnchorAlias alias:
                        added = anchors.TryGetValue(alias.Value.Value, out long size)
                            ? size
                            : throw new InvalidDataException($"{source}: line {current.Start.Line}, column {current.Start.Column}: expected an alias to an anchor defined before it (a complete node); found *{alias.Value.Value}.");
                        break;
                    default:
                        continue;
                }

                total += added;
                if (open.Count > 0)
                {
                    (string? anchor, long nodes) = open.Pop();
                    open.Push((anchor, nodes + added));
                }

                if (total > MaxNodes)
                {
                    throw new InvalidDataException($"{source}: line {current.Start.Line}, column {current.Start.Column}: expected a recipe of at most {MaxNodes} values with aliases expanded; this document expands to more (nested aliases?).");
                }
            }
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}: line {e.Start.Line}, column {e.Start.Column}: {OneLine(e)}", e);
        }
        catch (InvalidOperationException e)
        {
            // The parser's own state check when the text ends inside an unclosed sequence, mapping or quote.
            throw new InvalidDataException($"{source}: line {last.Line}, column {last.Column}: expected the YAML to close every '[', '{{' and quote it opens; the document ends inside one.", e);
        }
    }

    private static string? AnchorOf(ParsingEvent e) => e is NodeEvent { Anchor.IsEmpty: false } node ? node.Anchor.Value : null;

    private static void Remember(Dictionary<string, long> anchors, string? anchor, long size)
    {
        if (anchor is not null)
        {
            anchors[anchor] = size;
        }
    }

    // YamlDotNet's messages repeat the position ("(Line: 1, Col: 8, Idx: 7) - (Line: ...): "); it is already given.
    private static string OneLine(YamlException e)
    {
        string message = e.Message;
        int cut = message.IndexOf("): ", StringComparison.Ordinal);
        return (message.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message).Replace('\n', ' ');
    }

    private static JsonNode? ToNode(YamlNode node, string source) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(Key(p.Key, source), ToNode(p.Value, source)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(n => ToNode(n, source)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidDataException($"{source}: line {node.Start.Line}, column {node.Start.Column}: expected a plain value, sequence or mapping; found a {node.NodeType} node."),
    };

    private static string Key(YamlNode key, string source) => key is YamlScalarNode scalar
        ? scalar.Value ?? string.Empty
        : throw new InvalidDataException($"{source}: line {key.Start.Line}, column {key.Start.Column}: expected a plain key; found a {key.NodeType} used as a key.");

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        string text = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long integer))
        {
            return JsonValue.Create(integer);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(text);
    }
}
