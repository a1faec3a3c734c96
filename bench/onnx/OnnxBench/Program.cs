using System.Diagnostics;
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Interop.Onnx;
using AutoEncoders.Models;
using AutoEncoders.Onnx;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

// ae-onnx-bench RECIPE [TRAIN_STEPS] [ROUNDS]: trains RECIPE's model briefly on Fashion-MNIST (speed does not depend
// on the weights), exports it to ONNX, then encodes Fashion-MNIST's 10,000 test images through ONNX Runtime and
// through TorchSharp, one thread each, alternating rounds, at several batch sizes; prints a Markdown table of
// images/s (median of the rounds) and the largest difference between the two sides' codes.
if (args.Length is < 1 or > 3)
{
    Console.Error.WriteLine("usage: ae-onnx-bench RECIPE [TRAIN_STEPS] [ROUNDS]");
    return 1;
}

int trainSteps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
Recipe recipe = Recipe.Load(args[0]);
TorchRuntime.Configure(new RuntimeOptions { Seed = 1, Threads = 1 });
using TensorDataset train = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Train);
using TensorDataset test = DatasetCatalog.Default.Load("fashion-mnist", DatasetSplit.Test);
using Autoencoder model = recipe.Model.Build();

// A short training: Adam on the squared error, batches of 256.
using (var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3))
{
    model.train();
    Tensor features = train.Features.reshape(train.Count, -1);
    for (int step = 0; step < trainSteps; step++)
    {
        using var scope = torch.NewDisposeScope();
        long start = step * 256L % (train.Count - 256);
        Tensor x = features[TensorIndex.Slice(start, start + 256)];
        Tensor loss = nn.functional.mse_loss(model.forward(x).Reconstruction, x);
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }

    model.eval();
}

string folder = Directory.CreateTempSubdirectory("ae-onnx-bench-").FullName;
try
{
    OnnxExporter.Export(model, folder);
    using var onnx = OnnxAutoencoder.Load(folder, new OnnxAutoencoderOptions { IntraOpThreads = 1 });
    Tensor images = test.Features.reshape(test.Count, -1).contiguous();
    float[] pixels = images.data<float>().ToArray();
    int count = (int)test.Count;
    int width = (int)onnx.InputSize;
    int codeSize = (int)onnx.CodeSize;

    float[] TorchCodes(int batch)
    {
        var codes = new float[count * codeSize];
        using var inference = torch.inference_mode();
        for (int start = 0; start < count; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            int end = Math.Min(count, start + batch);
            model.Encode(images[TensorIndex.Slice(start, end)]).data<float>().CopyTo(codes, start * codeSize);
        }

        return codes;
    }

    float[] OnnxCodes(int batch)
    {
        var codes = new float[count * codeSize];
        for (int start = 0; start < count; start += batch)
        {
            int end = Math.Min(count, start + batch);
            onnx.Encode(pixels.AsSpan(start * width, (end - start) * width)).CopyTo(codes, start * codeSize);
        }

        return codes;
    }

    float difference = TorchCodes(1000).Zip(OnnxCodes(1000), (a, b) => Math.Abs(a - b)).Max();
    Console.WriteLine($"| batch | TorchSharp images/s | ONNX Runtime images/s | ONNX Runtime / TorchSharp |");
    Console.WriteLine($"|---:|---:|---:|---:|");
    foreach (int batch in new[] { 1, 32, 256, 10000 })
    {
        var torchRates = new List<double>();
        var onnxRates = new List<double>();
        TorchCodes(batch);
        OnnxCodes(batch);
        for (int round = 0; round < rounds; round++)
        {
            torchRates.Add(Rate(() => TorchCodes(batch), count));
            onnxRates.Add(Rate(() => OnnxCodes(batch), count));
        }

        double t = Median(torchRates);
        double o = Median(onnxRates);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {batch} | {t:F0} | {o:F0} | {o / t:F2} |"));
    }

    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{count} test images, {rounds} alternating rounds per batch size (median), one thread each (torch.set_num_threads(1); ONNX Runtime intra-op 1, inter-op 1); largest |code difference| {difference:G3}; {trainSteps} training steps."));
    return 0;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static double Rate(Action encode, int count)
{
    var clock = Stopwatch.StartNew();
    encode();
    return count / clock.Elapsed.TotalSeconds;
}

static double Median(List<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
