using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Pretraining;

/// <summary>A dense stack for <see cref="PretrainingStack"/>: stage k is encoder layer k and its mirrored decoder layer.</summary>
internal sealed class DensePretrainingStack(DenseAutoencoder stack, LayerwisePretrainingOptions options) : PretrainingStack(stack, options)
{
    public override int Depth => stack.EncoderDepth;

    protected override string Unit => "layer";

    protected override string Describe(int stage) => $"{Options.Layers[stage]}-{Options.Layers[stage + 1]}";

    protected override Autoencoder BuildShallow(int stage) => LayerwisePretrainer.ShallowConfig(Options, stage).Build();

    protected override void CopyFromShallow(Autoencoder shallow, int stage)
    {
        var source = (DenseAutoencoder)shallow;
        using var noGrad = torch.no_grad();
        int mirror = stack.EncoderDepth - 1 - stage;
        stack.EncoderLayer(stage).weight!.copy_(source.EncoderLayer(0).weight!);
        stack.EncoderLayer(stage).bias!.copy_(source.EncoderLayer(0).bias!);
        stack.DecoderWeight(mirror).copy_(source.DecoderWeight(0));
        stack.DecoderBias(mirror).copy_(source.DecoderBias(0));
    }

    protected override Tensor EncodeWithShallow(Autoencoder shallow, Tensor input) =>
        LayerwisePretrainer.EncodeThrough((DenseAutoencoder)shallow, input, 1);

    protected override Tensor EncodeStage(int stage, Tensor input)
    {
        Activation activation = ((DenseAutoencoderConfig)stack.Config).EncoderActivation(stage);
        return Batched(stack, input, h => ActivationFunction.Apply(activation, stack.EncoderLayer(stage).forward(h)));
    }

    protected override TrainingHistory TrainFrozenStage(int stage, Tensor stageInput, Tensor target, PretrainingLayer settings, StageRun run) =>
        LayerwisePretrainer.TrainStackStage(stack, stage, stageInput, target, settings, Options.Callbacks is null ? Options.Log : null, run);
}
