using AutoEncoders.Evaluation;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Evaluation;

public sealed class NearestNeighborClassifierTests
{
    [Fact]
    public void Votes_of_the_k_nearest_codes_decide_and_ties_go_to_the_nearer()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        Tensor codes = torch.tensor(new float[] { 0, 0, 0.1f, 0, 0, 0.2f, 5, 5, 5.1f, 5, 10, 10 }).reshape(6, 2);
        Tensor labels = torch.tensor(new long[] { 0, 0, 0, 1, 1, 2 });
        using var knn = new NearestNeighborClassifier(codes, labels, k: 3);
        Tensor predicted = knn.Predict(torch.tensor(new float[] { 0.05f, 0.05f, 5, 5.2f, 9, 9 }).reshape(3, 2));
        Assert.Equal([0L, 1L, 1L], predicted.data<long>().ToArray());

        using var one = new NearestNeighborClassifier(codes, labels, k: 2);
        // Nearest to (7.6, 7.6): label 1 at (5.1, 5) then label 2 at (10, 10): a 1-1 tie goes to the nearer one.
        Assert.Equal(1L, one.Predict(torch.tensor(new float[] { 7.4f, 7.4f }).reshape(1, 2)).data<long>()[0]);
    }

    [Fact]
    public void Confusion_matrix_counts_pairs_and_refuses_labels_outside_the_classes()
    {
        TorchRuntime.EnsureLoaded();
        var matrix = ConfusionMatrix.From(torch.tensor(new long[] { 0, 0, 1, 2, 2, 2 }), torch.tensor(new long[] { 0, 1, 1, 2, 2, 0 }), 3);
        Assert.Equal(6, matrix.Total);
        Assert.Equal(4.0 / 6, matrix.Accuracy, 12);
        Assert.Equal(1, matrix[2, 0]);
        Assert.Equal([0.5, 1.0, 2.0 / 3], matrix.Recall());
        Assert.Contains("recall", matrix.ToText(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => matrix.Add(torch.tensor(new long[] { 3 }), torch.tensor(new long[] { 0 })));
    }
}
