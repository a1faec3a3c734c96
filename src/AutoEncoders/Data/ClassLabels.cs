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
        string[] canonical = [.. cells.Select(Canonical)];
        IReadOnlyList<string> names = classNames ?? Derive(canonical);
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
            if (!index.TryGetValue(canonical[i], out labels[i]) && !index.TryGetValue(cells[i], out labels[i]))
            {
                throw new DataFormatException(path, location(i),
                    $"expected one of the classes {string.Join(", ", names.Select(n => $"'{n}'"))}, found '{cells[i]}'.");
            }
        }

        return (labels, names);
    }

    /// <summary>
    /// A label written as an integral number in any notation ("1", "1.0", "1.0000000e+00", as older UCR files
    /// write them) becomes its integer text, so that one class is not split by its spelling; others are kept.
    /// </summary>
    public static string Canonical(string cell)
    {
        if (!long.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && double.IsFinite(value) && value == Math.Round(value) && Math.Abs(value) < (1L << 53))
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        return cell;
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
