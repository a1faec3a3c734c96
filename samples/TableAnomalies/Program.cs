// Anomaly detection on a CSV table: a dense autoencoder learns the normal rows; a row whose reconstruction error
// is above the 95th percentile of held-out normal rows is flagged. Labels are used only to report how well it did.
// Run: dotnet run -c Release -- TABLE.csv LABEL_COLUMN NORMAL_CLASS
using System.Globalization;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: dotnet run -- TABLE.csv LABEL_COLUMN NORMAL_CLASS");
    return 1;
}

TorchRuntime.Configure(new RuntimeOptions { Seed = 1 });
CsvTable table = CsvTable.Read(args[0], new CsvOptions { LabelColumn = args[1] });
int normalClass = table.ClassNames.ToList().IndexOf(args[2]);
if (normalClass < 0)
{
    Console.Error.WriteLine($"error: {args[0]}: column '{args[1]}': no row has the class '{args[2]}' (classes: {string.Join(", ", table.ClassNames)})");
    return 1;
}

using TensorDataset rows = table.ToDataset();
using var scope = NewDisposeScope();
// Normal rows, shuffled: 70 % to learn from, 30 % held out; the held-out normal rows and every anomaly are scored.
Tensor isNormal = rows.Labels!.eq(normalClass);
Tensor normal = isNormal.nonzero().flatten();
normal = normal.index_select(0, randperm(normal.shape[0], generator: new Generator(1)));
long fit = normal.shape[0] * 7 / 10;
Tensor train = rows.Features.index_select(0, normal.narrow(0, 0, fit));
Tensor heldOut = rows.Features.index_select(0, normal.narrow(0, fit, normal.shape[0] - fit));
Tensor anomalies = rows.Features.index_select(0, isNormal.logical_not().nonzero().flatten());

// z-scores with the training rows' statistics (a constant column is divided by 1).
Tensor mean = train.mean([0]);
Tensor std = train.std(0);
Tensor spread = std.where(std > 0, ones_like(std));
Tensor Scale(Tensor x) => (x - mean) / spread;

var config = new DenseAutoencoderConfig { Layers = [table.ColumnCount, 16, 4], OutputActivation = Activation.Linear };
using Autoencoder model = config.Build();
using var trainData = new TensorDataset(Scale(train));
using (var trainer = new Trainer(model, new Objective { Reconstruction = new MeanSquaredError() }, new TrainerOptions { Epochs = 50, BatchSize = 32, Progress = ProgressMode.Silent }))
{
    trainer.Fit(trainData);
}

var detector = new ReconstructionAnomalyDetector(model);
double threshold = detector.CalibratePercentile(Scale(heldOut), 95);
Tensor scored = cat([Scale(heldOut), Scale(anomalies)]);
bool[] truth = [.. Enumerable.Repeat(false, (int)heldOut.shape[0]), .. Enumerable.Repeat(true, (int)anomalies.shape[0])];
AnomalyDetectionReport report = detector.Evaluate(scored, truth);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{train.shape[0]} normal rows learned; scored {heldOut.shape[0]} held-out normal rows and {anomalies.shape[0]} anomalies; threshold {threshold:G4}"));
Console.WriteLine(report);
return 0;
