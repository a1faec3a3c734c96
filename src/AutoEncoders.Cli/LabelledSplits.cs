using AutoEncoders.Data;

namespace AutoEncoders.Cli;

/// <summary>
/// The labelled training data and the test set for `ae finetune` and `ae probe`: the data the model directory
/// was trained on (its recipe.json) unless --dataset names another, with only N labelled samples when asked
/// (a stratified, seeded draw: <see cref="TensorDataset.Sample"/>), drawn from what is left after an optional
/// validation split is set aside (<see cref="Commands.HeldOutValidation"/>).
/// </summary>
internal sealed class LabelledSplits : IDisposable
{
    private readonly TensorDataset _pool;

    private LabelledSplits(TensorDataset pool, TensorDataset labelled, TensorDataset? validation, TensorDataset test)
    {
        _pool = pool;
        Labelled = labelled;
        Validation = validation;
        Test = test;
    }

    public TensorDataset Labelled { get; }

    /// <summary>The validation split set aside from the training data, or null when none was asked for.</summary>
    public TensorDataset? Validation { get; }

    public TensorDataset Test { get; }

    public IReadOnlyList<string> ClassNames => Test.ClassNames.Count > 0 ? Test.ClassNames : Labelled.ClassNames;

    public int Classes => Math.Max(Labelled.ClassCount, Test.ClassCount);

    public static LabelledSplits Load(string modelDirectory, string? dataset, long? trainLimit, long? labels, long labelSeed, DatasetOptions options, (double Fraction, long Seed)? validationSplit = null)
    {
        DataSource source = RunDataSource.Resolve(modelDirectory, dataset, trainLimit);
        TensorDataset pool = Flat(DataSourceLoader.Load(source, DatasetSplit.Train, options));
        if (pool.Labels is null)
        {
            pool.Dispose();
            throw pool.Refusal("labels", "expected a label per training sample, as fine-tuning and probing need; found none.");
        }

        TensorDataset? validation = null;
        if (validationSplit is (double fraction, long splitSeed))
        {
            (TensorDataset rest, validation) = pool.Split(fraction, splitSeed);
            pool.Dispose();
            pool = rest;
        }

        if (labels is long n && (n < 1 || n > pool.Count))
        {
            long count = pool.Count;
            pool.Dispose();
            validation?.Dispose();
            throw new ArgumentException($"--labels: {n} is outside 1..{count} (the labelled training samples available).");
        }

        TensorDataset labelled = labels is long m ? pool.Sample(m, labelSeed, stratified: true) : pool.Slice(0, pool.Count);
        TensorDataset test = Flat(DataSourceLoader.Load(source, DatasetSplit.Test, options));
        return new LabelledSplits(pool, labelled, validation, test);
    }

    private static TensorDataset Flat(TensorDataset data)
    {
        using (data)
        {
            return data.Flattened();
        }
    }

    public void Dispose()
    {
        Labelled.Dispose();
        Validation?.Dispose();
        Test.Dispose();
        _pool.Dispose();
    }
}
