import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, must } from '../../api/client';
import { ErrorNote } from '../../ui';
import Conversation from './Conversation';

/**
 * A direct conversation between two clinicians: who it is with, then the conversation itself (the same panel as a
 * visit's). For anyone else the hub answers that it does not exist.
 */
export default function Direct() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setName(null);
    setError(null);
    api.GET('/conversations/direct/{conversationId}', { params: { path: { conversationId: id } } })
      .then((r) => setName(must(r).colleagueName ?? ''), setError);
  }, [id]);

  return (
    <section aria-labelledby="direct-title" className="direct">
      <p><Link to="/messages">{t('chat.direct.back')}</Link></p>
      <h1 id="direct-title"><bdi>{name === null ? t('chat.title') : t('chat.direct.with', { name })}</bdi></h1>
      <ErrorNote error={error} />
      {name !== null && (
        <>
          <p className="hint">{t('chat.direct.intro', { name })}</p>
          <Conversation conversationId={id} />
        </>
      )}
    </section>
  );
}
