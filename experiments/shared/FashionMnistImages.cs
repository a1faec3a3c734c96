using AutoEncoders.Data;
using AutoEncoders.Models;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

/// <summary>What the convolutional experiments share: Fashion-MNIST as [N, 1, 28, 28] images and batched reconstruction.</summary>
internal static class FashionMnistImages
{
    /// <summary>The IDX images (scaled to [0, 1], with a channel axis) and labels of one split.</summary>
    public static TensorDataset Load(string directory, string images, string labels, string name)
    {
        Tensor x = IdxReader.Read(Path.Combine(directory, images)).ToFloatTensor().unsqueeze(1);
        Tensor y = IdxReader.Read(Path.Combine(directory, labels)).ToLabelTensor();
        return new TensorDataset(x, y, name: name);
    }

    /// <summary>The training split (60,000 images).</summary>
    public static TensorDataset Train(string directory) => Load(directory, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "fashion-mnist/train");

    /// <summary>The test split (10,000 images).</summary>
    public static TensorDataset Test(string directory) => Load(directory, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "fashion-mnist/test");

    /// <summary>The model's reconstructions of <paramref name="images"/>, 1,000 at a time, in evaluation mode without gradients.</summary>
    public static Tensor Reconstruct(Autoencoder model, Tensor images) => BatchedInference.Map(model, images, model.Reconstruct, batchSize: 1000);
}
