namespace AutoEncoders.Training.Callbacks;

/// <summary>The callbacks that <see cref="TrainerOptions"/> asks for, in the order the trainer runs them.</summary>
internal static class TrainerCallbacks
{
    public static IEnumerable<ITrainingCallback> FromOptions(TrainerOptions options)
    {
        if (options.Schedule is not null)
        {
            yield return new LearningRateScheduler(options.Schedule);
        }

        if (options.EarlyStopping is EarlyStoppingOptions early)
        {
            yield return new EarlyStopping(early);
            if (early.RestoreBestWeights)
            {
                yield return new RestoreBestWeights(early.MinDelta);
            }
        }

        if (options.Progress != ProgressMode.Silent)
        {
            yield return new ConsoleProgress(mode: options.Progress);
        }
    }
}
