using AutoEncoders.Data;
using AutoEncoders.Runtime;

namespace AutoEncoders.Tests;

/// <summary>The official MNIST test set (10,000 digits) from ../shared/datasets, loaded once for all tests.</summary>
public sealed class MnistFixture : IDisposable
{
    public MnistFixture()
    {
        TorchRuntime.EnsureLoaded();
        IdxArray images = IdxReader.Read(TestData.MnistTestImages);
        IdxArray labels = IdxReader.Read(TestData.MnistTestLabels);
        Test = new TensorDataset(images.ToFloatTensor().reshape(-1, 784), labels.ToLabelTensor(), name: "mnist/test");
    }

    /// <summary>10,000 flattened digits in [0, 1], with labels.</summary>
    public TensorDataset Test { get; }

    /// <summary>The first <paramref name="count"/> digits (a view).</summary>
    public TensorDataset First(long count) => Test.Slice(0, count);

    public void Dispose() => Test.Dispose();
}
