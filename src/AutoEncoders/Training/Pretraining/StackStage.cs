using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// One stage of frozen-stack pretraining as a model of its own: the cached output of the frozen encoders goes
/// through encoder layer k and then decoder layers N-1-k .. N-1 of the deep stack (the outer ones frozen), so the
/// data is reconstructed through the decoders already trained. Holds no parameters of its own: it uses the
/// stack's.
/// </summary>
internal sealed class StackStage : Autoencoder
{
    private readonly DenseAutoencoder _stack;
    private readonly DenseAutoencoderConfig _config;
    private readonly int _layer;

    public StackStage(DenseAutoencoder stack, int layer)
        : base("stack_stage")
    {
        _stack = stack;
        _config = (DenseAutoencoderConfig)stack.Config;
        _layer = layer;
    }

    public override ModelConfig Config => _config;

    public override AutoencoderOutput forward(Tensor input)
    {
        Tensor z = _stack.EncoderLayer(_layer).forward(input);
        Activation activation = _config.EncoderActivation(_layer);
        Tensor code = ActivationFunction.Apply(activation, z);
        var hidden = new List<HiddenActivation> { new($"encoder.{_layer}", input, z, code, activation, _stack.EncoderLayer(_layer).weight) };
        (Tensor output, Tensor logits) = RunDecoder(code);
        return new AutoencoderOutput
        {
            Reconstruction = output,
            Logits = _config.DecoderActivation(_stack.EncoderDepth - 1) == Activation.Sigmoid ? logits : null,
            Code = code,
            Hidden = hidden,
        };
    }

    public override Tensor Encode(Tensor input) =>
        ActivationFunction.Apply(_config.EncoderActivation(_layer), _stack.EncoderLayer(_layer).forward(input));

    public override Tensor Decode(Tensor code)
    {
        using var scope = torch.NewDisposeScope();
        return RunDecoder(code).Output.MoveToOuterDisposeScope();
    }

    private (Tensor Output, Tensor Logits) RunDecoder(Tensor code)
    {
        Tensor h = code;
        Tensor z = h;
        for (int i = _stack.EncoderDepth - 1 - _layer; i < _stack.EncoderDepth; i++)
        {
            z = nn.functional.linear(h, _stack.DecoderWeight(i), _stack.DecoderBias(i));
            h = ActivationFunction.Apply(_config.DecoderActivation(i), z);
        }

        return (h, z);
    }
}
