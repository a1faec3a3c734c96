using AutoEncoders.Data;
using AutoEncoders.Evaluation.Generative;
using AutoEncoders.Runtime;

namespace AutoEncoders.Tests.Evaluation.Generative;

/// <summary>The benchmark's feature classifier trained once (default settings, seed 1) on the 10k MNIST training slice, measured on the test set.</summary>
public sealed class MnistFeatureClassifierFixture : IDisposable
{
    public MnistFeatureClassifierFixture()
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetSeed(1);
        Train = IdxDataset.Load(TestData.MnistTrain10kImages, TestData.MnistTrain10kLabels, name: "mnist/train-10k");
        Test = IdxDataset.Load(TestData.MnistTestImages, TestData.MnistTestLabels, name: "mnist/test");
        Stored = StoredFeatureClassifier.Train(Train, Test);
    }

    public TensorDataset Train { get; }

    public TensorDataset Test { get; }

    public StoredFeatureClassifier Stored { get; }

    public void Dispose()
    {
        Stored.Dispose();
        Train.Dispose();
        Test.Dispose();
    }
}
