using System.CommandLine;
using AutoEncoders.Data;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// --validation-split and --split-seed of `ae pretrain` and `ae finetune`: a stratified, seeded share of the
/// training data set aside as a validation split (<see cref="TensorDataset.Split"/>). Pretraining never sees it;
/// fine-tuning draws its labels from the rest and watches it for early stopping and model choice, so settings are
/// chosen without the test set (Vincent et al., 2008, chose the noise level this way). The same fraction and seed
/// on both commands give the same split.
/// </summary>
internal sealed class HeldOutValidation
{
    public Option<double?> Fraction { get; } = new("--validation-split") { Description = "Set aside this share of the training data (stratified by label, seeded by --split-seed) as a validation split that is never trained on; the same value and seed on `ae pretrain` and `ae finetune` give the same split." };

    public Option<long> Seed { get; } = new("--split-seed") { Description = "Seed of the --validation-split draw.", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        command.Options.Add(Fraction);
        command.Options.Add(Seed);
    }

    /// <summary>The fraction and seed asked for, or null without --validation-split.</summary>
    public (double Fraction, long Seed)? Read(ParseResult parse) =>
        parse.GetValue(Fraction) is double fraction ? (fraction, parse.GetValue(Seed)) : null;
}
