using AutoEncoders.Data;

namespace AutoEncoders.Cli;

/// <summary>
/// The labelled training data and the test set for `ae finetune` and `ae probe`: the data the model directory
/// was trained on (its recipe.json) unless --dataset names another, with only N labelled samples when asked
/// (a stratified, seeded draw: <see cref="TensorDataset.Sample"/>).
/// </summary>
internal sealed class LabelledSplits : IDisposable
{
    private readonly TensorDataset _pool;

    private LabelledSplits(TensorDataset pool, TensorDataset labelled, TensorDataset test)
    {
        _pool = pool;
        Labelled = labelled;
        Test = test;
    }

    public TensorDataset Labelled { get; }

    public TensorDataset Test { get; }

    public IReadOnlyList<string> ClassNames => Test.ClassNames.Count > 0 ? Test.ClassNames : Labelled.ClassNames;

    public int Classes => Math.Max(Labelled.ClassCount, Test.ClassCount);

    public static LabelledSplits Load(string modelDirectory, string? dataset, long? trainLimit, long? labels, long labelSeed, DatasetOptions options)
    {
        DataSource source = RunDataSource.Resolve(modelDirectory, dataset, trainLimit);
        TensorDataset pool = Flat(DataSourceLoader.Load(source, DatasetSplit.Train, options));
        if (pool.Labels is null)
        {
            pool.Dispose();
            throw new ArgumentException($"The training data '{pool.Name}' has no labels; fine-tuning and probing need them.");
        }

        if (labels is long n && (n < 1 || n > pool.Count))
        {
            long count = pool.Count;
            pool.Dispose();
            throw new ArgumentException($"--labels: {n} is outside 1..{count} (the labelled training samples available).");
        }

        TensorDataset labelled = labels is long m ? pool.Sample(m, labelSeed, stratified: true) : pool.Slice(0, pool.Count);
        TensorDataset test = Flat(DataSourceLoader.Load(source, DatasetSplit.Test, options));
        return new LabelledSplits(pool, labelled, test);
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
        Test.Dispose();
        _pool.Dispose();
    }
}
