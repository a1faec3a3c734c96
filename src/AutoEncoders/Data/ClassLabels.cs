using System.Globalization;

namespace AutoEncoders.Data;

/// <summary>Maps label cells (numbers or names) to class indices 0..K-1, keeping the names.</summary>
internal static class ClassLabels
{
    /// <summary>
    /// Maps <paramref name="cells"/> to indices: by <paramref name="classNames"/> when given, else by the distinct
    /// cells sorted numerically when all are integers (so 0..9 stay 0..9), else ordinally.
    /// </summary>
    /// <param name="cells">One label per item.</param>
    /// <param name="classNames">The fixed classes, or null.</param>
    /// <param name="path">The file, for errors.</param>
    /// <param name="location">Where item i is in the file, for errors.</param>
    public static (long[] Labels, IReadOnlyList<string> ClassNames) Map(
        IReadOnlyList<string> cells, IReadOnlyList<string>? classNames, string path, Func<int, string> location)
    {
        IReadOnlyList<string> names = classNames ?? Derive(cells);
        var index = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (!index.TryAdd(names[i], i))
            {
                throw new ArgumentException($"The class names list '{names[i]}' twice.", nameof(classNames));
            }
        }

        long[] labels = new long[cells.Count];
        for (int i = 0; i < cells.Count; i++)
        {
            if (!index.TryGetValue(cells[i], out labels[i]))
            {
                throw new DataFormatException(path, location(i),
                    $"expected one of the classes {string.Join(", ", names.Select(n => $"'{n}'"))}, found '{cells[i]}'.");
            }
        }

        return (labels, names);
    }

    private static List<string> Derive(IReadOnlyList<string> cells)
    {
        string[] distinct = [.. cells.Distinct(StringComparer.Ordinal)];
        bool integers = distinct.All(c => long.TryParse(c, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        return integers
            ? [.. distinct.OrderBy(c => long.Parse(c, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))]
            : [.. distinct.Order(StringComparer.Ordinal)];
    }
}
