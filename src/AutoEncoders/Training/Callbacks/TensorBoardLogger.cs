using AutoEncoders.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Callbacks;

/// <summary>
/// Writes a TensorBoard event file into <see cref="Directory"/> (TorchSharp's <c>SummaryWriter</c>): after every
/// epoch the training and validation metrics ("train/loss", "val/loss", ...) and the learning rate; every
/// <see cref="ImagesEvery"/> epochs, for image data, the first samples above their reconstructions; every
/// <see cref="HistogramsEvery"/> epochs a histogram of each weight. Steps are epochs, so a resumed run continues
/// the curves in a new event file of the same folder.
/// </summary>
public sealed class TensorBoardLogger : ITrainingCallback
{
    private readonly Tensor? _samples;
    private readonly long[]? _imageShape;
    private TorchSharp.Modules.SummaryWriter? _writer;

    /// <summary>Logs into <paramref name="directory"/>; <paramref name="samples"/> (a few training samples, [N, ...]) are reconstructed into pictures when they are images.</summary>
    public TensorBoardLogger(string directory, Tensor? samples = null, int imagesEvery = 1, int histogramsEvery = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesEvery, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(histogramsEvery, 1);
        Directory = directory;
        ImagesEvery = imagesEvery;
        HistogramsEvery = histogramsEvery;
        if (samples is not null && ImageShape(samples.shape[1..]) is long[] shape)
        {
            _imageShape = shape;
            _samples = samples.narrow(0, 0, Math.Min(8, samples.shape[0])).detach().clone().DetachFromDisposeScope();
        }
    }

    /// <summary>The folder of the event files.</summary>
    public string Directory { get; }

    /// <summary>Epochs between reconstruction pictures.</summary>
    public int ImagesEvery { get; }

    /// <summary>Epochs between weight histograms.</summary>
    public int HistogramsEvery { get; }

    /// <inheritdoc />
    public void OnTrainBegin(Trainer trainer) => _writer ??= torch.utils.tensorboard.SummaryWriter(Directory);

    /// <inheritdoc />
    public void OnEpochEnd(Trainer trainer, EpochRecord record)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(record);
        TorchSharp.Modules.SummaryWriter writer = _writer ??= torch.utils.tensorboard.SummaryWriter(Directory);
        int step = record.Epoch;
        foreach ((string name, double value) in record.Train)
        {
            writer.add_scalar($"train/{name}", (float)value, step);
        }

        foreach ((string name, double value) in record.Validation ?? new Dictionary<string, double>())
        {
            writer.add_scalar($"val/{name}", (float)value, step);
        }

        writer.add_scalar("learning_rate", (float)record.LearningRate, step);
        writer.add_scalar("samples_per_second", (float)record.SamplesPerSecond, step);
        using var scope = torch.NewDisposeScope();
        if (step % HistogramsEvery == 0)
        {
            foreach ((string name, Tensor weight) in trainer.Model.named_parameters())
            {
                writer.add_histogram($"weights/{name}", weight.detach().cpu().to_type(ScalarType.Float64), step);
            }
        }

        if (step % ImagesEvery == 0 && _samples is not null && trainer.Model is Autoencoder autoencoder)
        {
            writer.add_img("reconstructions", Picture(autoencoder, trainer.Device), step);
        }
    }

    // [C, H, W] of an image sample: [C, H, W] itself with 1 or 3 channels, or a flat square grayscale image.
    private static long[]? ImageShape(long[] sample)
    {
        if (sample.Length == 3 && sample[0] is 1 or 3)
        {
            return sample;
        }

        long size = sample.Aggregate(1L, (a, b) => a * b);
        long side = (long)Math.Round(Math.Sqrt(size));
        return sample.Length <= 2 && side * side == size && side >= 4 ? [1, side, side] : null;
    }

    // The samples in the top row and their reconstructions below, [C, 2H, N*W] in [0, 1].
    private Tensor Picture(Autoencoder model, Device device)
    {
        long[] shape = _imageShape!;
        Tensor input = _samples!.reshape([-1, .. model.Config.InputShape]).to(device);
        Tensor reconstruction = BatchedInference.Map(model, input, model.Reconstruct);
        Tensor Row(Tensor images) => torch.cat(images.reshape([-1, .. shape]).unbind(0), 2);
        return torch.cat([Row(input.cpu()), Row(reconstruction.cpu())], 1).clamp(0, 1);
    }
}
