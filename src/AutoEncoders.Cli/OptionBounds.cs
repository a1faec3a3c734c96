using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AutoEncoders.Cli;

/// <summary>
/// Range checks that hold for an option name wherever it appears (a percentile lies in (0, 100], a rate in (0, 1),
/// a sample limit is at least 1, any number is finite), attached to the whole command tree so that a bad value is
/// refused while parsing, before a command creates anything; and the one-line form of a parse error.
/// </summary>
internal static partial class OptionBounds
{
    // Options whose value counts something and must be at least 1.
    private static readonly HashSet<string> Counts = new(StringComparer.Ordinal)
    {
        "--limit", "--test-limit", "--iwae-limit", "--threads", "--count", "-k", "--k", "--neighbours", "--queries", "--smoothing",
    };

    // Options that are a share of something, strictly between 0 and 1.
    private static readonly HashSet<string> Fractions = new(StringComparer.Ordinal) { "--fpr", "--validation-split", "--test-fraction" };

    // `ae train` checks these overrides together with the recipe they change, and names the recipe in its message.
    private static readonly HashSet<string> CheckedByTrain = new(StringComparer.Ordinal) { "--lr", "--validation-split" };

    /// <summary>Adds the checks to every option of <paramref name="command"/> and its subcommands.</summary>
    public static void AttachTo(Command command)
    {
        foreach (Option option in command.Options)
        {
            if (!(command.Name == "train" && CheckedByTrain.Contains(option.Name)))
            {
                Attach(option);
            }
        }

        foreach (Command subcommand in command.Subcommands)
        {
            AttachTo(subcommand);
        }
    }

    /// <summary>`PLACE: WHAT` for the first parse error (an option's name as the place), with how many more there are.</summary>
    public static string Describe(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);

        // An unknown word explains a missing command or argument better than the other way round.
        ParseError first = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
        string command = CommandPath(parsed.CommandResult);
        string place = first.SymbolResult switch
        {
            OptionResult option => option.Option.Name,
            ArgumentResult argument => argument.Argument.Name,
            _ => command,
        };
        string more = parsed.Errors.Count > 1 ? $" ({parsed.Errors.Count - 1} more; see `{command} --help`)" : $" (see `{command} --help`)";
        return $"{place}: {Plain(first.Message).ReplaceLineEndings(" ")}{more}";
    }

    // "ae detect fit": the command's names from the root down.
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? at = result; at is not null; at = at.Parent)
        {
            if (at is CommandResult { Command: not RootCommand } c)
            {
                names.Insert(0, c.Command.Name);
            }
        }

        return string.Join(' ', ["ae", .. names]);
    }

    private static void Attach(Option option)
    {
        Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        if (type == typeof(double))
        {
            option.Validators.Add(result => CheckReal(result, option.Name));
        }
        else if ((type == typeof(int) || type == typeof(long)) && Counts.Contains(option.Name))
        {
            option.Validators.Add(result => CheckCount(result, option.Name));
        }
    }

    private static void CheckReal(OptionResult result, string name)
    {
        if (result.Tokens.Count == 0 || ParsedValue(result) is not double value)
        {
            return;
        }

        string found = value.ToString("R", CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            result.AddError($"{name}: expected a finite number, found {found}.");
        }
        else if (name == "--percentile" && value is <= 0 or > 100)
        {
            result.AddError($"{name}: expected a percentile in (0, 100], found {found}.");
        }
        else if (Fractions.Contains(name) && value is <= 0 or >= 1)
        {
            result.AddError($"{name}: expected a fraction strictly between 0 and 1, found {found}.");
        }
    }

    private static void CheckCount(OptionResult result, string name)
    {
        // The option is an int or a long (nullable or not); its boxed value is read as what it is.
        long? value = result.Tokens.Count == 0 ? null : ParsedValue(result) switch
        {
            int i => i,
            long l => l,
            _ => null,
        };
        if (value < 1)
        {
            result.AddError($"{name}: expected at least 1, found {value}.");
        }
    }

    // The value, or null when the text did not parse: System.CommandLine then throws from GetValueOrDefault, and its
    // own parse error (worded by Describe) must be the one reported, not that exception's CLR type names.
    private static object? ParsedValue(OptionResult result)
    {
        try
        {
            return result.GetValueOrDefault<object?>();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    // The checks above already start with the option's name; System.CommandLine's own messages name CLR types.
    private static string Plain(string message)
    {
        Match cannot = CannotParse().Match(message);
        if (cannot.Success)
        {
            string expected = cannot.Groups["type"].Value switch
            {
                string t when t.Contains("Int32", StringComparison.Ordinal) || t.Contains("Int64", StringComparison.Ordinal) => "a whole number",
                string t when t.Contains("Double", StringComparison.Ordinal) || t.Contains("Single", StringComparison.Ordinal) => "a number ('.' as decimal point)",
                string t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false",
                _ => "one of the values listed in the help",
            };
            return $"expected {expected}, found '{cannot.Groups["value"].Value}'.";
        }

        int cut = message.IndexOf(": ", StringComparison.Ordinal);
        return message.StartsWith('-') && cut > 0 ? message[(cut + 2)..] : message;
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '.*' as expected type '(?<type>.*)'\.")]
    private static partial Regex CannotParse();
}
