using System.Text.Json;
using System.Text.RegularExpressions;

namespace AutoEncoders.Persistence;

/// <summary>
/// Reads the project's JSON files (recipes, model.json) and YAML recipes with bounded size, and turns every parser
/// or deserialiser failure into an <see cref="InvalidDataException"/> whose message reads `FILE: WHERE: WHAT`.
/// </summary>
public static partial class JsonFile
{
    /// <summary>The largest JSON or YAML file read (16 MiB); recipes and manifests are a few kilobytes.</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>The text of <paramref name="path"/>, refused when missing or larger than <see cref="MaxBytes"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is too large.</exception>
    public static string ReadText(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{path}: no such {what} file.", path);
        }

        if (file.Length > MaxBytes)
        {
            throw new InvalidDataException($"{path}: offset {MaxBytes}: expected a {what} of at most {MaxBytes} bytes, found {file.Length}.");
        }

        return File.ReadAllText(path);
    }

    /// <summary>The JSON text of a .json, .yaml or .yml file (YAML converted by <see cref="YamlToJson"/>).</summary>
    public static string ReadJsonOrYaml(string path, string what)
    {
        string text = ReadText(path, what);
        bool yaml = Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml";
        return yaml ? YamlToJson.Convert(text, path)?.ToJsonString() ?? "null" : text;
    }

    /// <summary>Deserialises <paramref name="json"/> with <see cref="JsonDefaults.Options"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON, does not fit <typeparamref name="T"/>, or is null.</exception>
    public static T Deserialize<T>(string json, string source)
        where T : class => Deserialize<T>(json, source, JsonDefaults.Options);

    /// <summary>Deserialises <paramref name="json"/> with <paramref name="options"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON, does not fit <typeparamref name="T"/>, or is null.</exception>
    public static T Deserialize<T>(string json, string source, JsonSerializerOptions options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<T>(json, options)
                ?? throw new InvalidDataException($"{source}: line 1: expected a JSON object, found null.");
        }
        catch (JsonException e)
        {
            throw Failure(source, e);
        }
        catch (NotSupportedException e)
        {
            // System.Text.Json's word for a polymorphic section without its discriminator ("kind", or "type" for
            // convolutional layers): it cannot make an abstract type.
            Match path = PathInMessage().Match(e.Message);
            string where = path.Success ? $"field {path.Groups[1].Value}" : "document";
            throw new InvalidDataException($"{source}: {where}: expected a \"kind\" (\"type\" for a convolutional layer) first in this section, naming what it is; found none.", e);
        }
    }

    /// <summary>
    /// <paramref name="e"/> as one line `SOURCE: WHERE: WHAT` (<see cref="Describe"/>); <paramref name="hint"/>, when
    /// given, ends the message.
    /// </summary>
    public static InvalidDataException Failure(string source, JsonException e, string? hint = null)
    {
        (string where, string what) = Describe(e);
        return new InvalidDataException(hint is null ? $"{source}: {where}: {what}" : $"{source}: {where}: {what.TrimEnd('.')}; {hint}", e);
    }

    /// <summary>
    /// Where <paramref name="e"/> happened ("line 3, field $.kind") and what was expected there, in the file's terms
    /// rather than .NET's (no type names, no "BytePositionInLine").
    /// </summary>
    public static (string Where, string What) Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string where = e.LineNumber is long line
            ? e.Path is { Length: > 1 } p ? $"line {line + 1}, field {p}" : $"line {line + 1}"
            : e.Path is { Length: > 0 } q ? $"field {q}" : "document";
        return (where, WithoutPosition(e.Message).TrimEnd());
    }

    /// <summary>
    /// Runs a section's validation; an <see cref="ArgumentException"/> becomes an <see cref="InvalidDataException"/>
    /// reading `SOURCE: SECTION: MESSAGE`.
    /// </summary>
    public static void CheckSection(string source, string section, Action validate)
    {
        ArgumentNullException.ThrowIfNull(validate);
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is string name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
            // Some checks already name their place, e.g. "model (convolutional): the decoder returns ...".
            string place = message.StartsWith($"{section} (", StringComparison.Ordinal) ? string.Empty : $"{section}: ";
            throw new InvalidDataException($"{source}: {place}{message.ReplaceLineEndings(" ")}", e);
        }
    }

    // System.Text.Json ends its messages with " Path: $.x | LineNumber: 3 | BytePositionInLine: 7." (the place is
    // already given before the message) and speaks of .NET types; say what the file should hold instead.
    private static string WithoutPosition(string message)
    {
        int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        cut = cut >= 0 ? cut : message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        string text = (cut >= 0 ? message[..cut] : message).ReplaceLineEndings(" ");
        if (text.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "expected a JSON object { ... }; found an empty file.";
        }

        Match converted = CouldNotConvert().Match(text);
        if (converted.Success)
        {
            return $"expected {Expected(converted.Groups["type"].Value)}; found a value of another kind.";
        }

        Match unknown = UnknownProperty().Match(text);
        if (unknown.Success)
        {
            return $"expected one of this section's fields; '{unknown.Groups["name"].Value}' is not one (check its spelling and the recipes/ examples).";
        }

        Match required = MissingRequired().Match(text);
        return required.Success ? $"expected the required field(s) {required.Groups["names"].Value}; found none." : text;
    }

    private static string Expected(string type) => type switch
    {
        _ when type.StartsWith("System.Int", StringComparison.Ordinal) || type.StartsWith("System.Nullable`1[System.Int", StringComparison.Ordinal) => "a whole number",
        _ when type.Contains("System.Double", StringComparison.Ordinal) || type.Contains("System.Single", StringComparison.Ordinal) => "a number",
        _ when type.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
        "System.String" => "a string",
        _ when type.Contains("List`1", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "a list [...]",
        _ when type.Contains("Dictionary`2", StringComparison.Ordinal) => "an object {...} of names and values",
        _ => $"{(type.StartsWith("AutoEncoders.", StringComparison.Ordinal) ? "a valid " : "a ")}{type[(type.LastIndexOf('.') + 1)..]} (an object {{...}}, or for a named choice one of its names)",
    };

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>\S+?)\.?$")]
    private static partial Regex CouldNotConvert();

    [GeneratedRegex(@"^The JSON property '(?<name>.*)' could not be mapped to any \.NET member")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex(@"missing required properties including: (?<names>.*?)\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"Path: (\S+?)\.? \|")]
    private static partial Regex PathInMessage();
}
