using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// Fixed-length windows over one long recording [T, F]: windows start every <see cref="Stride"/> steps, and one more
/// window ends at the last step when the stride does not land there, so every step is covered. A step's score is the
/// mean score of the windows that cover it.
/// </summary>
public sealed class SlidingWindows
{
    /// <summary>Windows of <paramref name="window"/> steps every <paramref name="stride"/> steps over a recording of <paramref name="length"/> steps.</summary>
    /// <exception cref="ArgumentException">The recording is shorter than one window, or a size is below 1.</exception>
    public SlidingWindows(int length, int window, int stride)
    {
        if (window < 1 || stride < 1)
        {
            throw new ArgumentException($"The window and the stride must be at least 1 step; found window {window}, stride {stride}.");
        }

        if (length < window)
        {
            throw new ArgumentException($"expected at least one window of {window} steps, found {length} steps.");
        }

        Length = length;
        Window = window;
        Stride = stride;
        var starts = new List<int>();
        for (int start = 0; start + window <= length; start += stride)
        {
            starts.Add(start);
        }

        if (starts[^1] + window < length)
        {
            starts.Add(length - window);
        }

        Starts = starts;
    }

    /// <summary>Steps of the recording.</summary>
    public int Length { get; }

    /// <summary>Steps per window.</summary>
    public int Window { get; }

    /// <summary>Steps between window starts.</summary>
    public int Stride { get; }

    /// <summary>First step of each window, ascending.</summary>
    public IReadOnlyList<int> Starts { get; }

    /// <summary>Number of windows.</summary>
    public int Count => Starts.Count;

    /// <summary>The windows of <paramref name="recording"/> [T, F] as [windows, window, F] (a copy).</summary>
    public Tensor Slice(Tensor recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        if (recording.dim() != 2 || recording.shape[0] != Length)
        {
            throw new ArgumentException($"Expected a recording [{Length}, F]; found [{string.Join(", ", recording.shape)}].", nameof(recording));
        }

        using var scope = torch.NewDisposeScope();
        Tensor index = torch.tensor(Starts.Select(s => (long)s).ToArray()).unsqueeze(1) + torch.arange(Window).unsqueeze(0);
        return recording.index_select(0, index.flatten()).reshape(Count, Window, recording.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>Per window, true when any of its steps is true in <paramref name="perStep"/>.</summary>
    public bool[] AnyPerWindow(IReadOnlyList<bool> perStep)
    {
        ArgumentNullException.ThrowIfNull(perStep);
        CheckSteps(perStep.Count);
        return [.. Starts.Select(s => Enumerable.Range(s, Window).Any(t => perStep[t]))];
    }

    /// <summary>Per step, the mean of <paramref name="windowScores"/> over the windows covering it.</summary>
    public double[] StepScores(IReadOnlyList<double> windowScores)
    {
        ArgumentNullException.ThrowIfNull(windowScores);
        if (windowScores.Count != Count)
        {
            throw new ArgumentException($"Expected one score per window ({Count}); found {windowScores.Count}.", nameof(windowScores));
        }

        var sum = new double[Length];
        var covered = new int[Length];
        for (int w = 0; w < Count; w++)
        {
            for (int t = Starts[w]; t < Starts[w] + Window; t++)
            {
                sum[t] += windowScores[w];
                covered[t]++;
            }
        }

        return [.. sum.Select((s, t) => s / covered[t])];
    }

    private void CheckSteps(int count)
    {
        if (count != Length)
        {
            throw new ArgumentException($"Expected one value per step ({Length}); found {count}.");
        }
    }
}
