using System.CommandLine;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// The options of `ae finetune` and `ae probe` that choose the labelled data: --labels, --label-seed, --dataset and
/// --train-limit, read into <see cref="LabelledSplits"/>.
/// </summary>
internal sealed class LabelledDataOptions
{
    public Option<long?> Labels { get; } = new("--labels") { Description = "Use only N labelled training samples (stratified, seeded by --label-seed); default all." };

    public Option<long> LabelSeed { get; } = new("--label-seed") { Description = "Seed of the labelled-subset draw.", DefaultValueFactory = _ => 0 };

    public Option<string?> Dataset { get; } = new("--dataset") { Description = "Labelled data to use instead of the model's recipe data (mnist, fashion-mnist, kmnist)." };

    public Option<long?> TrainLimit { get; } = new("--train-limit") { Description = "Draw the labels from the first N training samples only." };

    /// <summary>The labelled training samples and the test set for the model in <paramref name="modelDirectory"/>.</summary>
    public LabelledSplits Load(ParseResult parse, string modelDirectory, CommonOptions common, TextWriter log, (double Fraction, long Seed)? validationSplit = null) =>
        LabelledSplits.Load(modelDirectory, parse.GetValue(Dataset), parse.GetValue(TrainLimit), parse.GetValue(Labels), parse.GetValue(LabelSeed), common.DatasetOptions(parse, log), validationSplit);
}
