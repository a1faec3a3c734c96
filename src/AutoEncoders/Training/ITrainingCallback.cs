namespace AutoEncoders.Training;

/// <summary>Hooks into the training loop (Keras's callbacks). Every method has an empty default.</summary>
public interface ITrainingCallback
{
    /// <summary>Before the first epoch (also when resuming).</summary>
    void OnTrainBegin(TrainingHistory history, int totalEpochs, long batchesPerEpoch)
    {
    }

    /// <summary>After every training batch, with the running means of the epoch so far.</summary>
    void OnBatchEnd(int epoch, long batch, long batchesPerEpoch, IReadOnlyDictionary<string, double> runningMeans, double samplesPerSecond)
    {
    }

    /// <summary>After an epoch, its validation and bookkeeping.</summary>
    void OnEpochEnd(EpochRecord record, int totalEpochs)
    {
    }

    /// <summary>After the last epoch, an early stop or an interruption.</summary>
    void OnTrainEnd(TrainingHistory history)
    {
    }
}
