using System.CommandLine;
using AutoEncoders.Training;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// --optimizer and --momentum of `ae pretrain` and `ae finetune`: Adam by default, or plain stochastic gradient
/// descent with optional momentum as in the stacked denoising autoencoder papers (Vincent et al., 2008, 2010).
/// </summary>
internal sealed class OptimizerFlags
{
    public Option<OptimizerKind?> Kind { get; } = EnumOption.Create<OptimizerKind>("--optimizer", "Optimiser (default adam).");

    public Option<double?> Momentum { get; } = new("--momentum") { Description = "Momentum of sgd and rms_prop (default 0)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Kind);
        command.Options.Add(Momentum);
    }

    /// <summary>Whether the user gave either flag.</summary>
    public bool Given(ParseResult parse) => parse.GetResult(Kind) is { Implicit: false } || parse.GetResult(Momentum) is { Implicit: false };

    /// <summary><paramref name="options"/> with the kind and momentum given on the command line, checked.</summary>
    public OptimizerOptions Apply(ParseResult parse, OptimizerOptions options)
    {
        OptimizerOptions result = options with
        {
            Kind = parse.GetValue(Kind) ?? options.Kind,
            Momentum = parse.GetValue(Momentum) ?? options.Momentum,
        };
        if (result.Momentum > 0 && result.Kind is not (OptimizerKind.Sgd or OptimizerKind.RmsProp))
        {
            throw new ArgumentException($"--momentum: {EnumOption.Spell(result.Kind)} has no momentum; use it with --optimizer sgd or rms_prop.");
        }

        result.Validate();
        return result;
    }
}
