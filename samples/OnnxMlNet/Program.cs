// Uses an autoencoder exported by `ae export MODEL --format onnx -o DIR` without libtorch:
//   1. the AutoEncoders.Onnx package encodes one image and scores a few by reconstruction error;
//   2. an ML.NET pipeline applies DIR/encoder.onnx (Microsoft.ML.OnnxTransformer), then
//      k-means groups the codes of 2,000 test images (purity) and a linear classifier learns the labels from the
//      codes of 8,000 others (accuracy on the 2,000).
// Run: dotnet run -c Release -- DIR [IMAGES.gz LABELS.gz]
//   (default data: Fashion-MNIST's test set from Debian's dataset-fashion-mnist package)
using System.Globalization;
using System.IO.Compression;
using AutoEncoders.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length is not (1 or 3))
{
    Console.Error.WriteLine("usage: OnnxMlNet EXPORTED_DIR [IMAGES_IDX_GZ LABELS_IDX_GZ]");
    return 1;
}

string folder = args[0];
string images = args.Length == 3 ? args[1] : "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
string labels = args.Length == 3 ? args[2] : "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
Image[] data = Image.Read(images, labels);

// 1. The package alone.
using (var model = OnnxAutoencoder.Load(folder))
{
    float[] code = model.Encode(data[0].Pixels);
    float[] scores = model.Score(data.Take(5).SelectMany(i => i.Pixels).ToArray());
    Console.WriteLine($"{model.Kind} model, input [{string.Join(", ", model.InputShape)}], code of {code.Length} values");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reconstruction error of the first 5 images: {string.Join(", ", scores.Select(s => s.ToString("F4", CultureInfo.InvariantCulture)))}"));
}

// 2. ML.NET: the exported encoder as a transform, then what ML.NET users do with codes.
var ml = new MLContext(seed: 1);
IDataView train = ml.Data.LoadFromEnumerable(data[..8000]);
IDataView test = ml.Data.LoadFromEnumerable(data[8000..]);
// The cache keeps the codes after one pass: the trainers read the data many times, and without it every pass would
// run the encoder again.
var encode = ml.Transforms.ApplyOnnxModel(["code"], ["input"], Path.Combine(folder, "encoder.onnx")).AppendCacheCheckpoint(ml);

var clustering = encode.Append(ml.Clustering.Trainers.KMeans(featureColumnName: "code", numberOfClusters: 10));
Cluster[] clusters = ml.Data.CreateEnumerable<Cluster>(clustering.Fit(test).Transform(test), reuseRowObject: false).ToArray();
double purity = clusters.GroupBy(c => c.PredictedLabel).Sum(g => g.GroupBy(c => c.Label).Max(l => l.Count())) / (double)clusters.Length;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"k-means (10 clusters) on the codes of {clusters.Length} images: purity {purity:F3}"));

var classification = encode
    .Append(ml.Transforms.Conversion.MapValueToKey("Key", "Label"))
    .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Key", "code"));
MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(classification.Fit(train).Transform(test), labelColumnName: "Key");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"linear classifier on the codes (8000 train, 2000 test): accuracy {metrics.MicroAccuracy:F3}"));
return 0;

/// <summary>One image, flattened to 784 values in [0, 1], and its label.</summary>
internal sealed class Image
{
    [ColumnName("input")]
    [VectorType(784)]
    public float[] Pixels { get; set; } = [];

    public uint Label { get; set; }

    /// <summary>Reads an IDX image file and its label file (gzip), as MNIST and Fashion-MNIST ship them.</summary>
    public static Image[] Read(string imagesPath, string labelsPath)
    {
        byte[] pixels = Unzip(imagesPath);
        byte[] labels = Unzip(labelsPath);
        int count = labels.Length - 8;
        return Enumerable.Range(0, count)
            .Select(i => new Image { Pixels = pixels.AsSpan(16 + (i * 784), 784).ToArray().Select(p => p / 255f).ToArray(), Label = labels[8 + i] })
            .ToArray();
    }

    private static byte[] Unzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}

/// <summary>A k-means assignment with the true label.</summary>
internal sealed class Cluster
{
    public uint Label { get; set; }

    public uint PredictedLabel { get; set; }
}
