using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Pretraining;

/// <summary>A stacked convolutional autoencoder for <see cref="PretrainingStack"/>: stage k is stage k's encoder layers and its decoder layers.</summary>
internal sealed class ConvolutionalPretrainingStack(ConvolutionalAutoencoder deep, ConvolutionalStackSpec stack, LayerwisePretrainingOptions options)
    : PretrainingStack(deep, options)
{
    public override int Depth => stack.Depth;

    protected override string Unit => "stage";

    protected override string Describe(int stage) =>
        $"[{string.Join(", ", stack.StageInputShape(stage))}] -> [{string.Join(", ", stack.StageInputShape(stage + 1))}]";

    protected override Autoencoder BuildShallow(int stage) => stack.StageConfig(stage).Build();

    protected override void CopyFromShallow(Autoencoder shallow, int stage) =>
        ConvolutionalLayerwisePretrainer.CopyStage(deep, stack, (ConvolutionalAutoencoder)shallow, stage);

    protected override Tensor EncodeWithShallow(Autoencoder shallow, Tensor input) => Batched(shallow, input, shallow.Encode);

    protected override Tensor EncodeStage(int stage, Tensor input) =>
        ConvolutionalLayerwisePretrainer.EncodeThrough(deep, stack, input, stage, stage + 1);

    protected override TrainingHistory TrainFrozenStage(int stage, Tensor stageInput, Tensor target, PretrainingLayer settings, StageRun run) =>
        ConvolutionalLayerwisePretrainer.TrainStackStage(deep, stack, stage, stageInput, target, settings, Options.Callbacks is null ? Options.Log : null, run);
}
