using AutoEncoders.Data.Streaming;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>
/// Samples held as one float32 tensor [N, ...] with optional int64 labels [N]. Subsets and batches are made with
/// views or one gather per batch, never per-sample copies. The dataset owns its tensors; dispose it when done.
/// </summary>
public sealed class TensorDataset : IBatchSource, IDisposable
{
    /// <summary>Wraps <paramref name="features"/> (float32, first dimension = samples) and optional labels.</summary>
    public TensorDataset(Tensor features, Tensor? labels = null, IReadOnlyList<string>? classNames = null, string name = "", string? note = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() < 1)
        {
            throw new ArgumentException("Features need at least one dimension (the samples).", nameof(features));
        }

        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != features.shape[0]))
        {
            throw new ArgumentException(
                $"Labels must be one per sample: features have {features.shape[0]} samples, labels have shape [{string.Join(", ", labels.shape)}].",
                nameof(labels));
        }

        Features = features.dtype == ScalarType.Float32 ? features : features.to_type(ScalarType.Float32);
        Labels = labels is null || labels.dtype == ScalarType.Int64 ? labels : labels.to_type(ScalarType.Int64);
        ClassNames = classNames ?? [];
        Name = name;
        Note = note;
    }

    /// <summary>Float32 samples, [N, ...].</summary>
    public Tensor Features { get; }

    /// <summary>Int64 class labels [N], or null.</summary>
    public Tensor? Labels { get; }

    /// <summary>Display names of the classes, indexed by label; may be empty.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Where the data came from, e.g. "fashion-mnist/train".</summary>
    public string Name { get; }

    /// <summary>Anything a user must know about the data, e.g. that it is a 10k slice of a larger set.</summary>
    public string? Note { get; }

    /// <summary>
    /// The file or folder the samples were read from (kept by every view of them), so that a refusal of the data
    /// can name it; null for data made in memory.
    /// </summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// The refusal of these samples: <c>&lt;file&gt;: &lt;where&gt;: &lt;what was expected&gt;</c>, naming
    /// <see cref="SourcePath"/> (else <see cref="Name"/>), for the CLI's one <c>error:</c> line.
    /// </summary>
    public DataFormatException Refusal(string where, string expected) =>
        new(SourcePath ?? (Name.Length > 0 ? Name : "the data"), where, expected);

    /// <summary>
    /// Refuses (<see cref="Refusal"/>) samples that do not hold the <paramref name="shape"/>'s number of values,
    /// which <paramref name="taker"/> ("the model") takes: before a forward pass fails inside libtorch.
    /// </summary>
    public void RequireSampleSize(long[] shape, string taker)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long size = shape.Aggregate(1L, (a, b) => a * b);
        if (SampleSize != size)
        {
            throw Refusal("sample shape",
                $"expected samples of shape [{string.Join(", ", shape)}] ({size} values), as {taker} takes; found [{string.Join(", ", SampleShape)}] ({SampleSize} values).");
        }
    }

    /// <summary>Number of samples.</summary>
    public long Count => Features.shape[0];

    /// <summary>Shape of one sample, e.g. [1, 28, 28] or [784].</summary>
    public long[] SampleShape => Features.shape[1..];

    /// <summary>Number of values in one sample.</summary>
    public long SampleSize => SampleShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Number of classes: the longer of <see cref="ClassNames"/> and max label + 1.</summary>
    public int ClassCount => Labels is null ? ClassNames.Count : Math.Max(ClassNames.Count, (int)Labels.max().item<long>() + 1);

    /// <summary>A dataset of the same samples reshaped to [N, SampleSize] (a view, no copy).</summary>
    public TensorDataset Flattened() =>
        new(Features.reshape(Count, SampleSize), Labels?.alias(), ClassNames, Name, Note) { SourcePath = SourcePath };

    /// <summary>A dataset of the same samples reshaped to [N, ...<paramref name="sampleShape"/>] (a view, no copy).</summary>
    public TensorDataset Reshaped(params long[] sampleShape)
    {
        long size = sampleShape.Aggregate(1L, (a, b) => a * b);
        if (size != SampleSize)
        {
            throw new ArgumentException($"Cannot view samples of shape [{string.Join(", ", SampleShape)}] as [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
        }

        return new(Features.reshape([Count, .. sampleShape]), Labels?.alias(), ClassNames, Name, Note) { SourcePath = SourcePath };
    }

    /// <summary>The samples <paramref name="start"/> .. start+count-1 (a view, no copy).</summary>
    public TensorDataset Slice(long start, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Slice {start}..{start + count} is past the {Count} samples.");
        }

        return new(Features.narrow(0, start, count), Labels?.narrow(0, start, count), ClassNames, Name, Note) { SourcePath = SourcePath };
    }

    /// <summary>The samples at <paramref name="indices"/> (int64), gathered once.</summary>
    public TensorDataset Select(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new(Features.index_select(0, indices), Labels?.index_select(0, indices), ClassNames, Name, Note) { SourcePath = SourcePath };
    }

    /// <summary>The same dataset on another device.</summary>
    public TensorDataset To(Device device) =>
        new(Features.to(device), Labels?.to(device), ClassNames, Name, Note) { SourcePath = SourcePath };

    /// <summary>
    /// Splits off a validation part: a seeded shuffle, stratified by label when labels exist, so both parts keep
    /// the class proportions.
    /// </summary>
    public (TensorDataset Train, TensorDataset Validation) Split(double validationFraction, long seed)
    {
        if (validationFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must lie strictly between 0 and 1.");
        }

        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        Tensor order = torch.randperm(Count, generator: generator);
        Tensor trainIndex, validationIndex;
        if (Labels is null)
        {
            long validationCount = Math.Max(1, (long)Math.Round(Count * validationFraction));
            validationIndex = order.narrow(0, 0, validationCount);
            trainIndex = order.narrow(0, validationCount, Count - validationCount);
        }
        else
        {
            // Stratify: walk the shuffled order class by class and send the first share of each class to validation.
            Tensor shuffledLabels = Labels.index_select(0, order);
            var validationParts = new List<Tensor>();
            var trainParts = new List<Tensor>();
            foreach (long label in shuffledLabels.unique().output.data<long>().ToArray())
            {
                Tensor members = order.masked_select(shuffledLabels.eq(label));
                long take = (long)Math.Round(members.shape[0] * validationFraction);
                validationParts.Add(members.narrow(0, 0, take));
                trainParts.Add(members.narrow(0, take, members.shape[0] - take));
            }

            validationIndex = torch.cat(validationParts).sort().Values;
            trainIndex = torch.cat(trainParts).sort().Values;
        }

        TensorDataset train = Select(trainIndex);
        TensorDataset validation = Select(validationIndex);
        train.Features.MoveToOuterDisposeScope();
        train.Labels?.MoveToOuterDisposeScope();
        validation.Features.MoveToOuterDisposeScope();
        validation.Labels?.MoveToOuterDisposeScope();
        return (train, validation);
    }

    /// <summary>
    /// The first <paramref name="count"/> samples of a seeded shuffle, balanced across classes when labels exist
    /// (used for "train on only N labels").
    /// </summary>
    public TensorDataset Sample(long count, long seed, bool stratified = true)
    {
        if (count >= Count)
        {
            return Slice(0, Count);
        }

        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        Tensor order = torch.randperm(Count, generator: generator);
        Tensor chosen;
        if (Labels is null || !stratified)
        {
            chosen = order.narrow(0, 0, count);
        }
        else
        {
            Tensor shuffledLabels = Labels.index_select(0, order);
            long[] classes = shuffledLabels.unique().output.data<long>().ToArray();
            var parts = new List<Tensor>();
            long assigned = 0;
            for (int i = 0; i < classes.Length; i++)
            {
                Tensor members = order.masked_select(shuffledLabels.eq(classes[i]));
                long share = (count * (i + 1) / classes.Length) - assigned;
                share = Math.Min(share, members.shape[0]);
                parts.Add(members.narrow(0, 0, share));
                assigned += share;
            }

            chosen = torch.cat(parts).sort().Values;
        }

        TensorDataset result = Select(chosen);
        result.Features.MoveToOuterDisposeScope();
        result.Labels?.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// Mini-batches in order or shuffled by <paramref name="generator"/>. Unshuffled batches are views; shuffled
    /// ones are gathered with one index_select per batch. A batch's tensors are disposed when the next batch is
    /// requested, so copy what must outlive the loop body.
    /// </summary>
    public IEnumerable<Batch> Batches(int batchSize, bool shuffle = false, Generator? generator = null, bool dropLast = false, int skip = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long count = Count;
        long batches = dropLast ? count / batchSize : (count + batchSize - 1) / batchSize;
        Tensor? order = shuffle ? torch.randperm(count, generator: generator, device: Features.device) : null;
        try
        {
            for (int b = skip; b < batches; b++)
            {
                long start = (long)b * batchSize;
                long size = Math.Min(batchSize, count - start);
                Tensor features;
                Tensor? labels;
                if (order is null)
                {
                    features = Features.narrow(0, start, size);
                    labels = Labels?.narrow(0, start, size);
                }
                else
                {
                    using Tensor index = order.narrow(0, start, size);
                    features = Features.index_select(0, index);
                    labels = Labels?.index_select(0, index);
                }

                try
                {
                    yield return new Batch(features, labels, b);
                }
                finally
                {
                    features.Dispose();
                    labels?.Dispose();
                }
            }
        }
        finally
        {
            order?.Dispose();
        }
    }

    /// <summary>Number of batches per epoch for a batch size.</summary>
    public long BatchCount(int batchSize, bool dropLast = false) =>
        dropLast ? Count / batchSize : (Count + batchSize - 1) / batchSize;

    /// <summary>Samples per class label (empty when unlabelled).</summary>
    public IReadOnlyDictionary<long, long> LabelCounts()
    {
        if (Labels is null)
        {
            return new Dictionary<long, long>();
        }

        using var scope = torch.NewDisposeScope();
        (Tensor values, _, Tensor? counts) = torch.unique(Labels, sorted: true, return_counts: true);
        long[] v = values.data<long>().ToArray();
        long[] c = counts!.data<long>().ToArray();
        return v.Zip(c).ToDictionary(p => p.First, p => p.Second);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Labels?.Dispose();
    }
}
