using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>Counts of (true class, predicted class) pairs, with accuracy, error and a text table.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    /// <summary>An empty matrix for <paramref name="classes"/> classes.</summary>
    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        _counts = new long[classes, classes];
    }

    /// <summary>Number of classes.</summary>
    public int Classes => _counts.GetLength(0);

    /// <summary>Samples counted.</summary>
    public long Total { get; private set; }

    /// <summary>Samples whose prediction equals the true class.</summary>
    public long Correct { get; private set; }

    /// <summary>Fraction predicted correctly.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>1 - accuracy.</summary>
    public double Error => 1 - Accuracy;

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>A matrix from int64 tensors of true and predicted labels.</summary>
    public static ConfusionMatrix From(Tensor actual, Tensor predicted, int classes)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        var matrix = new ConfusionMatrix(classes);
        matrix.Add(actual, predicted);
        return matrix;
    }

    /// <summary>Adds a batch of true and predicted labels (int64, same length).</summary>
    public void Add(Tensor actual, Tensor predicted)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (actual.numel() != predicted.numel())
        {
            throw new ArgumentException($"{actual.numel()} true labels but {predicted.numel()} predictions.");
        }

        using var scope = torch.NewDisposeScope();
        long[] a = actual.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
        long[] p = predicted.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] < 0 || a[i] >= Classes || p[i] < 0 || p[i] >= Classes)
            {
                throw new ArgumentException($"Label pair ({a[i]}, {p[i]}) lies outside the {Classes} classes.");
            }

            _counts[a[i], p[i]]++;
            if (a[i] == p[i])
            {
                Correct++;
            }
        }

        Total += a.Length;
    }

    /// <summary>Recall of every class (correct / samples of that class; 0 for a class never seen).</summary>
    public IReadOnlyList<double> Recall() =>
        Enumerable.Range(0, Classes).Select(c =>
        {
            long row = Enumerable.Range(0, Classes).Sum(p => _counts[c, p]);
            return row == 0 ? 0 : (double)_counts[c, c] / row;
        }).ToArray();

    /// <summary>A fixed-width table: rows are true classes, columns predictions, with each class's recall.</summary>
    public string ToText(IReadOnlyList<string>? classNames = null)
    {
        string Name(int c) => classNames is not null && c < classNames.Count ? classNames[c] : c.ToString(CultureInfo.InvariantCulture);
        int labelWidth = Math.Max(6, Enumerable.Range(0, Classes).Max(c => Name(c).Length));
        int cell = Math.Max(5, Total.ToString(CultureInfo.InvariantCulture).Length + 1);
        var text = new StringBuilder();
        text.Append("true\\pred".PadRight(labelWidth + 1));
        for (int p = 0; p < Classes; p++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Truncate(Name(p), cell - 1).PadLeft(cell)}");
        }

        text.AppendLine("  recall");
        IReadOnlyList<double> recall = Recall();
        for (int a = 0; a < Classes; a++)
        {
            text.Append(Name(a).PadRight(labelWidth + 1));
            for (int p = 0; p < Classes; p++)
            {
                text.Append(_counts[a, p].ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            }

            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {recall[a]:F3}"));
        }

        return text.ToString();
    }

    private static string Truncate(string s, int width) => s.Length <= width ? s : s[..width];
}
