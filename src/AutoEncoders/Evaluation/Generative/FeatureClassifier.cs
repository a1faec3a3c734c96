using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation.Generative;

/// <summary>
/// The small classifier whose penultimate layer is the feature space of <see cref="FrechetDistance"/> for the
/// generative benchmark: Conv(16, 5x5) - ReLU - MaxPool(2) - Conv(32, 5x5) - ReLU - MaxPool(2) - Linear(128) - ReLU
/// (the features) - Linear(classes). It plays the part Inception-v3 plays in Heusel et al.'s (2017) FID, on
/// 28x28 grey images, so the distances it gives are not FID values and not comparable with published FIDs.
/// </summary>
public sealed class FeatureClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly Conv2d _conv2;
    private readonly Linear _hidden;
    private readonly Linear _head;

    /// <summary>Builds the layers for <paramref name="config"/> (PyTorch's default initialisation).</summary>
    public FeatureClassifier(FeatureClassifierConfig config)
        : base("feature_classifier")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _conv1 = nn.Conv2d(config.Channels, 16, 5, padding: 2);
        _conv2 = nn.Conv2d(16, 32, 5, padding: 2);
        _hidden = nn.Linear(32L * (config.Height / 4) * (config.Width / 4), config.FeatureSize);
        _head = nn.Linear(config.FeatureSize, config.Classes);
        RegisterComponents();
    }

    /// <summary>The configuration it was built from.</summary>
    public FeatureClassifierConfig Config { get; }

    /// <summary>The penultimate layer's output [B, FeatureSize] for images [B, C, H, W] or flat rows [B, C*H*W].</summary>
    public Tensor Features(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        Tensor x = input.reshape(input.shape[0], Config.Channels, Config.Height, Config.Width);
        Tensor h = nn.functional.max_pool2d(nn.functional.relu(_conv1.forward(x)), 2);
        h = nn.functional.max_pool2d(nn.functional.relu(_conv2.forward(h)), 2);
        return nn.functional.relu(_hidden.forward(h.flatten(1))).MoveToOuterDisposeScope();
    }

    /// <summary>The class logits [B, Classes].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return _head.forward(Features(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Features of every row of <paramref name="images"/> [N, ...], in evaluation mode without gradients, in batches; on the CPU.</summary>
    public Tensor FeaturesOf(Tensor images, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Map(images, batchSize, Features);
    }

    /// <summary>The fraction of <paramref name="images"/> whose most likely class is the label.</summary>
    public double Accuracy(Tensor images, Tensor labels, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = torch.NewDisposeScope();
        Tensor predicted = Map(images, batchSize, x => forward(x).argmax(1));
        return predicted.eq(labels.to_type(ScalarType.Int64).cpu()).to_type(ScalarType.Float64).mean().item<double>();
    }

    private Tensor Map(Tensor images, int batchSize, Func<Tensor, Tensor> map)
    {
        bool wasTraining = training;
        eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            Device device = _head.weight!.device;
            var parts = new List<Tensor>();
            for (long start = 0; start < images.shape[0]; start += batchSize)
            {
                long count = Math.Min(batchSize, images.shape[0] - start);
                parts.Add(map(images.narrow(0, start, count).to(device)).cpu());
            }

            return torch.cat(parts).MoveToOuterDisposeScope();
        }
        finally
        {
            train(wasTraining);
        }
    }
}
