import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import {
  type SmtpCatcher,
  startSmtpCatcher,
} from '../../test/support/smtp-catcher';
import { packagesLoadedBy } from '../../test/support/fresh-process';
import { MailService } from './mail.service';

const LINK = 'http://localhost:3000/reset-password#token=secret-token-value';

describe(MailService.name, () => {
  let dataDir: string;
  let logged: unknown[];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-'));
    logged = [];
    for (const level of ['log', 'warn', 'error'] as const) {
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation((...args: unknown[]) => {
          logged.push(args[0]);
        });
    }
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes each message to DATA_DIR/outbox as an .eml without SMTP_URL, logging no body', async () => {
    const mail = new MailService(
      loadConfig({ DATA_DIR: dataDir, MAIL_FROM: 'Auth <auth@example.com>' }),
    );
    await mail.send({
      to: 'alice@example.com',
      subject: 'Reset your password',
      text: `Follow ${LINK}`,
    });
    const files = readdirSync(join(dataDir, 'outbox'));
    expect(files).toEqual([expect.stringMatching(/^\d+-[0-9a-f]{12}\.eml$/)]);
    const eml = readFileSync(join(dataDir, 'outbox', files[0]), 'utf8');
    expect(eml).toContain('To: alice@example.com');
    expect(eml).toContain('From: Auth <auth@example.com>');
    expect(eml).toContain('Subject: Reset your password');
    expect(eml).toContain('secret-token-value');
    expect(logged).toContainEqual({
      msg: 'mail written to the outbox (SMTP_URL is unset)',
      to: 'alice@example.com',
      subject: 'Reset your password',
      file: join(dataDir, 'outbox', files[0]),
    });
    expect(JSON.stringify(logged)).not.toContain('secret-token-value');
    await mail.onApplicationShutdown();
  });

  it('loads nodemailer at the first message, not before', () => {
    const makeService = `
      const { loadConfig } = require('./src/config/app-config');
      const { MailService } = require('./src/mail/mail.service');
      const mail = new MailService(loadConfig({ DATA_DIR: ${JSON.stringify(dataDir)} }));
      mail.onApplicationBootstrap();
    `;
    expect(packagesLoadedBy(makeService)).not.toContain('nodemailer');
    expect(
      packagesLoadedBy(
        `${makeService}
         await mail.send({ to: 'carol@example.com', subject: 'Hello', text: 'Hi' });
         await mail.onApplicationShutdown();`,
      ),
    ).toContain('nodemailer');
    expect(readdirSync(join(dataDir, 'outbox'))).toHaveLength(1);
  });

  it('shuts down cleanly when its transport could not be made', async () => {
    try {
      await jest.isolateModulesAsync(async () => {
        jest.doMock('nodemailer', () => ({
          createTransport: () => {
            throw new Error('no transport');
          },
        }));
        const isolated = await import('./mail.service');
        const mail = new isolated.MailService(
          loadConfig({ DATA_DIR: dataDir }),
        );
        await expect(
          mail.send({ to: 'dave@example.com', subject: 'Hello', text: 'Hi' }),
        ).rejects.toThrow('no transport');
        await expect(mail.onApplicationShutdown()).resolves.toBeUndefined();
      });
    } finally {
      // doMock outlives isolateModules: the tests below send through the real nodemailer.
      jest.dontMock('nodemailer');
    }
  });

  describe('with SMTP_URL', () => {
    let catcher: SmtpCatcher;

    beforeEach(async () => {
      catcher = await startSmtpCatcher();
    });

    afterEach(() => catcher.close());

    it('delivers through SMTP from MAIL_FROM and writes nothing to the outbox', async () => {
      const mail = new MailService(
        loadConfig({
          DATA_DIR: dataDir,
          SMTP_URL: catcher.url,
          MAIL_FROM: 'Auth <auth@example.com>',
        }),
      );
      await mail.send({
        to: 'bob@example.com',
        subject: 'Verify your email address',
        text: `Follow ${LINK}`,
        html: `<a href="${LINK}">verify</a>`,
      });
      const message = await catcher.waitForMessage((m) =>
        m.to.includes('bob@example.com'),
      );
      expect(message.from).toBe('"Auth" <auth@example.com>');
      expect(message.subject).toBe('Verify your email address');
      expect(message.links).toEqual([LINK]);
      expect(message.html).toContain(`href="${LINK}"`);
      expect(readdirSync(dataDir)).not.toContain('outbox');
      expect(JSON.stringify(logged)).not.toContain('secret-token-value');
      await mail.onApplicationShutdown();
    });

    it('sends in the background without throwing when the server is gone, logging the failure but no body', async () => {
      const mail = new MailService(
        loadConfig({ DATA_DIR: dataDir, SMTP_URL: catcher.url }),
      );
      await catcher.close();
      mail.sendInBackground({
        to: 'carol@example.com',
        subject: 'Reset your password',
        text: `Follow ${LINK}`,
      });
      for (let waited = 0; waited < 5000 && logged.length === 0; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(logged).toContainEqual(
        expect.objectContaining({
          msg: 'mail could not be sent',
          to: 'carol@example.com',
        }),
      );
      expect(JSON.stringify(logged)).not.toContain('secret-token-value');
      await mail.onApplicationShutdown();
      catcher = await startSmtpCatcher();
    });
  });
});
