using System.CommandLine;
using System.Globalization;
using System.Text;

namespace AutoEncoders.Cli.Documentation;

/// <summary>
/// The CLI reference (docs/cli.md) written from the command definitions themselves: every visible command, its
/// arguments and options with their value names, defaults and descriptions. `ae docs cli` prints it; a test fails
/// when docs/cli.md differs, so the reference cannot fall behind the commands.
/// </summary>
internal static class CliReference
{
    /// <summary>The command that rewrites docs/cli.md from a Release build, shown when the file is stale.</summary>
    public const string RefreshCommand = "dotnet build AutoEncoders.slnx -c Release && dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll docs cli > docs/cli.md";

    /// <summary>The Markdown reference of <paramref name="root"/> and all its visible subcommands.</summary>
    public static string Write(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var text = new StringBuilder();
        text.AppendLine("# Command-line reference");
        text.AppendLine();
        text.AppendLine("Generated from the command definitions by `ae docs cli`; do not edit by hand. A test fails when this file");
        text.AppendLine($"is stale; refresh it with `{RefreshCommand}`.");
        text.AppendLine();
        text.AppendLine(Paragraph(root.Description));
        text.AppendLine();
        List<(string Path, Command Command)> commands = Visible(root, "ae").ToList();
        text.AppendLine("| command | what it does |");
        text.AppendLine("|---|---|");
        foreach ((string path, Command command) in commands)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| [`{path}`](#{Anchor(path)}) | {Cell(FirstSentence(command.Description))} |");
        }

        foreach ((string path, Command command) in commands)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"## {path}");
            text.AppendLine();
            text.AppendLine("```text");
            text.AppendLine(Usage(path, command));
            text.AppendLine("```");
            text.AppendLine();
            text.AppendLine(Paragraph(command.Description));
            List<Argument> arguments = command.Arguments.Where(a => !a.Hidden).ToList();
            if (arguments.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("| argument | description |");
                text.AppendLine("|---|---|");
                foreach (Argument argument in arguments)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"| `{ArgumentName(argument)}` | {Cell(argument.Description)} |");
                }
            }

            List<Option> options = Options(command).ToList();
            if (options.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("| option | value | default | description |");
                text.AppendLine("|---|---|---|---|");
                foreach (Option option in options)
                {
                    string names = string.Join(", ", option.Aliases.Order(StringComparer.Ordinal).Prepend(option.Name).Select(n => $"`{n}`"));
                    text.AppendLine(CultureInfo.InvariantCulture, $"| {names}{(option.Required ? " (required)" : "")} | {Cell(ValueName(option))} | {Cell(DefaultValue(option))} | {Cell(option.Description)} |");
                }
            }
        }

        return text.ToString();
    }

    /// <summary>Every visible command below <paramref name="command"/>, depth first, with its full name.</summary>
    public static IEnumerable<(string Path, Command Command)> Visible(Command command, string path)
    {
        foreach (Command sub in command.Subcommands.Where(c => !c.Hidden))
        {
            string subPath = $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach ((string, Command) nested in Visible(sub, subPath))
            {
                yield return nested;
            }
        }
    }

    /// <summary>The options a user can give <paramref name="command"/>, without help and version.</summary>
    public static IEnumerable<Option> Options(Command command) =>
        command.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "--version"));

    private static string Usage(string path, Command command)
    {
        var parts = new List<string> { path };
        parts.AddRange(command.Arguments.Where(a => !a.Hidden).Select(a => a.Arity.MinimumNumberOfValues == 0 ? $"[{ArgumentName(a)}]" : ArgumentName(a)));
        if (command.Subcommands.Any(c => !c.Hidden))
        {
            parts.Add("<command>");
        }

        if (Options(command).Any())
        {
            parts.Add("[options]");
        }

        return string.Join(" ", parts);
    }

    private static string ArgumentName(Argument argument)
    {
        string name = argument.HelpName ?? argument.Name.ToUpperInvariant();
        return argument.Arity.MaximumNumberOfValues > 1 ? $"{name}..." : name;
    }

    private static string ValueName(Option option)
    {
        if (option.Arity.MaximumNumberOfValues == 0)
        {
            return "";
        }

        if (option.HelpName is string help)
        {
            return $"`{help}`";
        }

        Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        string name = type switch
        {
            _ when type == typeof(string) => "text",
            _ when type == typeof(int) || type == typeof(long) => "integer",
            _ when type == typeof(double) || type == typeof(float) => "number",
            _ when type == typeof(FileInfo) => "file",
            _ when type == typeof(DirectoryInfo) => "folder",
            _ when type.IsEnum => string.Join("\\|", Enum.GetValues(type).Cast<Enum>().Select(v => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()))),
            _ when type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) => "values",
            _ => type.Name.ToLowerInvariant(),
        };
        return option.Arity.MaximumNumberOfValues > 1 ? $"{name}..." : name;
    }

    private static string DefaultValue(Option option)
    {
        if (!option.HasDefaultValue || option.Arity.MaximumNumberOfValues == 0)
        {
            return "";
        }

        object? value = option.GetDefaultValue();
        return value switch
        {
            null => "",
            bool b => b ? "true" : "false",
            IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
            System.Collections.IEnumerable e and not string => string.Join(", ", e.Cast<object>()),
            _ => $"`{value}`",
        };
    }

    private static string Paragraph(string? description) => OutsideCode((description ?? "").Trim());

    // Markdown would read <dataset> as an HTML tag and hide it; inside `code` it is shown as written.
    private static string OutsideCode(string text)
    {
        var escaped = new StringBuilder(text.Length);
        bool code = false;
        foreach (char c in text)
        {
            code ^= c == '`';
            escaped.Append(!code && c == '<' ? "&lt;" : !code && c == '>' ? "&gt;" : c.ToString());
        }

        return escaped.ToString();
    }

    private static string FirstSentence(string? description)
    {
        string text = Paragraph(description).Split('\n')[0];
        int stop = text.IndexOf(". ", StringComparison.Ordinal);
        return stop > 0 ? text[..(stop + 1)] : text;
    }

    private static string Cell(string? text) => OutsideCode(text ?? "").Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal).Trim();

    private static string Anchor(string path) => path.Replace(' ', '-').ToLowerInvariant();
}
