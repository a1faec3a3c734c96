using AutoEncoders.Training;

namespace AutoEncoders.Tests.Training;

/// <summary>Cancels a run after batch <paramref name="batch"/> of epoch <paramref name="epoch"/> (both 1-based), as Ctrl-C would.</summary>
internal sealed class CancelAt(int epoch, long batch, CancellationTokenSource source) : ITrainingCallback
{
    public void OnBatchEnd(Trainer trainer, BatchProgress progress)
    {
        if (progress.Epoch == epoch && progress.Batch == batch)
        {
            source.Cancel();
        }
    }
}
