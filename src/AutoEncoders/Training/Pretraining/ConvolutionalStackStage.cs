using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// One stage of frozen-stack pretraining of a stacked convolutional autoencoder as a model of its own: the cached
/// output of the frozen outer encoders goes through stage k's encoder layers, then through the decoders of stages
/// k .. 1 of the deep model (the outer ones frozen), so the image is reconstructed through the decoders already
/// trained. Holds no parameters of its own: it uses the deep model's.
/// </summary>
internal sealed class ConvolutionalStackStage : Autoencoder
{
    private readonly ConvolutionalAutoencoder _deep;
    private readonly int _encoderFrom;
    private readonly int _encoderTo;
    private readonly int _decoderFrom;

    public ConvolutionalStackStage(ConvolutionalAutoencoder deep, ConvolutionalStackSpec stack, int stage)
        : base("convolutional_stack_stage")
    {
        _deep = deep;
        _encoderFrom = stack.EncoderOffset(stage);
        _encoderTo = _encoderFrom + stack.Stages[stage].Encoder.Count;
        _decoderFrom = stack.DecoderOffset(stage);
    }

    public override ModelConfig Config => _deep.Config;

    public override AutoencoderOutput forward(Tensor input) => _deep.RunSpan(input, _encoderFrom, _encoderTo, _decoderFrom);

    public override Tensor Encode(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return _deep.EncodeSpan(input, _encoderFrom, _encoderTo).MoveToOuterDisposeScope();
    }

    public override Tensor Decode(Tensor code)
    {
        using var scope = torch.NewDisposeScope();
        return _deep.RunSpan(code, _encoderTo, _encoderTo, _decoderFrom).Reconstruction.MoveToOuterDisposeScope();
    }
}
