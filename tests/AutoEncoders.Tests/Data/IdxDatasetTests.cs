using System.Buffers.Binary;
using AutoEncoders.Data;
using TorchSharp;
using Xunit;

namespace AutoEncoders.Tests.Data;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Mnist_test_pair_loads_as_float_images_in_0_1_with_int64_labels()
    {
        using TensorDataset data = IdxDataset.Load(TestData.MnistTestImages, TestData.MnistTestLabels, name: "mnist/test");

        Assert.Equal([10000L, 1, 28, 28], data.Features.shape);
        Assert.Equal(torch.ScalarType.Float32, data.Features.dtype);
        Assert.Equal(0f, data.Features.min().item<float>());
        Assert.Equal(1f, data.Features.max().item<float>());
        Assert.Equal(torch.ScalarType.Int64, data.Labels!.dtype);
        Assert.Equal(7L, data.Labels[0].item<long>());
        Assert.Equal(1135L, data.LabelCounts()[1]);
        Assert.Equal("mnist/test", data.Name);
    }

    [Fact]
    public void Label_count_that_differs_from_the_image_count_is_refused_naming_both_files()
    {
        byte[] raw = IdxReaderTests.Gunzip(File.ReadAllBytes(TestData.MnistTestLabels));
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4), 9999);
        string labels = _temp.Write("short-labels-idx1-ubyte", raw[..^1]);

        var e = Assert.Throws<DataFormatException>(() => IdxDataset.Load(TestData.MnistTestImages, labels));

        Assert.Equal(labels, e.FilePath);
        Assert.Contains($"{TestData.MnistTestImages} holds 10000 images but {labels} holds 9999 labels", e.Message);
    }

    [Fact]
    public void Swapped_files_are_refused_saying_which_is_which()
    {
        var e = Assert.Throws<DataFormatException>(() => IdxDataset.Load(TestData.MnistTestLabels, TestData.MnistTestImages));

        Assert.Equal(TestData.MnistTestLabels, e.FilePath);
        Assert.Contains("found rank 1", e.Message);
        Assert.Contains("is this a labels file?", e.Message);
    }

    [Fact]
    public void Labels_of_rank_2_are_refused_naming_both_files()
    {
        var e = Assert.Throws<DataFormatException>(() => IdxDataset.Load(TestData.MnistTestImages, TestData.MnistTrain10kImages));

        Assert.Equal(TestData.MnistTrain10kImages, e.FilePath);
        Assert.Contains($"one label per image of {TestData.MnistTestImages}", e.Message);
        Assert.Contains("found rank 3", e.Message);
    }

    [Fact]
    public void Labels_beyond_the_class_names_are_refused()
    {
        var e = Assert.Throws<DataFormatException>(() => IdxDataset.Load(TestData.MnistTestImages, TestData.MnistTestLabels, ["zero", "one"]));

        Assert.Contains("expected labels 0..1 for the 2 classes zero, one, found labels from 0 to 9", e.Message);
    }

    [Fact]
    public void Unlabelled_images_load_without_labels()
    {
        using TensorDataset data = IdxDataset.Load(TestData.MnistTrain10kImages, labelsPath: null);

        Assert.Null(data.Labels);
        Assert.Equal(10000L, data.Count);
        Assert.Equal([1L, 28, 28], data.SampleShape);
    }
}
