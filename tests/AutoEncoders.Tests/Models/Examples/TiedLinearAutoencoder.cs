using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models.Examples;

/// <summary>
/// The example model kind of docs/architecture.md: a linear autoencoder whose decoder is the transpose of its
/// encoder (it learns the principal subspace, Baldi and Hornik, 1989), with its own training step.
/// </summary>
public sealed class TiedLinearAutoencoder : Autoencoder
{
    private readonly TiedLinearAutoencoderConfig _config;

    public TiedLinearAutoencoder(TiedLinearAutoencoderConfig config)
        : base("tied_linear")
    {
        _config = config;
        Weight = new Parameter(torch.randn(config.CodeSize, config.InputSize) * (1.0 / Math.Sqrt(config.InputSize)));
        Bias = new Parameter(torch.zeros(config.InputSize));
        RegisterComponents();
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public override ModelConfig Config => _config;

    public override Tensor Encode(Tensor input) => nn.functional.linear(input.reshape(input.shape[0], -1), Weight);

    public override Tensor Decode(Tensor code) => nn.functional.linear(code, Weight.t(), Bias);

    public override AutoencoderOutput forward(Tensor input)
    {
        Tensor code = Encode(input);
        return new AutoencoderOutput { Code = code, Reconstruction = Decode(code).reshape(input.shape) };
    }

    // The model kind says how it trains: the reconstruction step plus a metric of its own.
    public override TrainingStep CreateTrainingStep(Objective objective) => new TiedLinearStep(this, objective);
}
