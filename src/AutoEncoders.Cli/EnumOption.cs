using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;

namespace AutoEncoders.Cli;

/// <summary>
/// Options whose values are enum members spelled as in recipes (snake_case: relu, leaky_relu, salt_and_pepper),
/// listed in the help and refused with the list of valid names.
/// </summary>
internal static class EnumOption
{
    public static Option<T?> Create<T>(string name, string description)
        where T : struct, Enum
    {
        Dictionary<string, T> byName = Enum.GetValues<T>().ToDictionary(v => Spell(v), v => v, StringComparer.OrdinalIgnoreCase);
        foreach (T value in Enum.GetValues<T>())
        {
            byName.TryAdd(value.ToString(), value);
        }

        string names = string.Join("|", Enum.GetValues<T>().Select(v => Spell(v)));
        return new Option<T?>(name)
        {
            Description = description,
            HelpName = names,
            CustomParser = result =>
            {
                string text = result.Tokens.Single().Value;
                if (byName.TryGetValue(text, out T value))
                {
                    return value;
                }

                result.AddError($"{name}: '{text}' is not one of {names.Replace("|", ", ", StringComparison.Ordinal)}.");
                return null;
            },
        };
    }

    public static string Spell<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
