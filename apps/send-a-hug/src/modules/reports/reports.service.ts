import type { Database } from '@hearth/kernel'
import type { Caller } from '../../auth.ts'
import { notFound, unprocessable, validationError } from '../../errors.ts'
import { LIMITS } from '../../limits.ts'
import { toReportView } from '../../mappers.ts'
import { offsetOf, PAGE_SIZE, totalPages } from '../../rules/pagination.ts'
import type { PostsRepository } from '../posts/posts.repository.ts'
import { clientDate } from '../posts/posts.service.ts'
import type { UsersRepository } from '../users/users.repository.ts'
import type { ReportsRepository } from './reports.repository.ts'

export interface NewReport {
  type: string
  userID: number | null
  postID?: number | null
  reportReason: string
  date: string
}

/** Reports and their closing (E19–E21); an open report on a post hides it from public lists. */
export class ReportsService {
  constructor(
    private readonly database: Database,
    private readonly reports: ReportsRepository,
    private readonly posts: PostsRepository,
    private readonly users: UsersRepository,
  ) {}

  async open(userPage: number, postPage: number) {
    const db = this.database.db
    const size = PAGE_SIZE.default
    const [userReports, postReports] = await Promise.all([this.reports.open(db, 'User', size, offsetOf(userPage, size)), this.reports.open(db, 'Post', size, offsetOf(postPage, size))])
    return {
      userReports: userReports.rows.map(toReportView),
      totalUserPages: totalPages(userReports.total, size),
      postReports: postReports.rows.map(toReportView),
      totalPostPages: totalPages(postReports.total, size),
    }
  }

  async create(caller: Caller, input: NewReport) {
    if (input.reportReason.length > LIMITS.reportReason) throw validationError(`Report reason cannot be over ${LIMITS.reportReason} characters! Please shorten the reason and try again.`)
    if (input.reportReason.trim().length === 0) throw validationError('You cannot send a report without a reason. Please write something and try again.')
    const date = clientDate(input.date)
    // Stored as `Post`/`User`, so the admin board (which matches exactly) always sees it.
    const type = input.type.toLowerCase() === 'post' ? 'Post' : 'User'
    const id = await this.database.transaction(async (tx) => {
      if (type === 'Post') {
        if (input.postID === undefined || input.postID === null) throw unprocessable('A post report needs a postID.')
        if ((await this.posts.authorOf(tx, input.postID)) === undefined) throw notFound()
      } else {
        if (input.userID === null) throw unprocessable('A user report needs a userID.')
        if (!(await this.users.exists(tx, input.userID))) throw notFound()
      }
      if (input.userID === null || !(await this.users.exists(tx, input.userID))) throw unprocessable('The reported user does not exist.')
      return this.reports.create(tx, {
        type,
        userId: input.userID,
        postId: type === 'Post' ? input.postID! : null,
        reporter: caller.id,
        reportReason: input.reportReason,
        date,
        dismissed: false,
        closed: false,
      })
    })
    return toReportView((await this.reports.find(this.database.db, id))!)
  }

  async settle(reportId: number, input: { closed: boolean; dismissed: boolean; userID?: number | null; postID?: number | null }) {
    return this.database.transaction(async (tx) => {
      const report = await this.reports.find(tx, reportId)
      if (!report) throw notFound()
      if (report.type.toLowerCase() === 'user' ? !input.userID : !input.postID) {
        throw unprocessable(`Closing a ${report.type.toLowerCase()} report needs its ${report.type.toLowerCase() === 'user' ? 'userID' : 'postID'}.`)
      }
      await this.reports.close(tx, reportId, { closed: input.closed, dismissed: input.dismissed })
      return toReportView((await this.reports.find(tx, reportId))!)
    })
  }
}
